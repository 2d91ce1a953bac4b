using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LedgerSync.Testing.Logging;
using LedgerSync.Tests.Support;
using LedgerSync.Transport;
using LedgerSync.Transport.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static LedgerSync.Tests.Support.TestParties;

namespace LedgerSync.Tests.Server;

/// <summary>
/// Identity comes from the connection's own TLS handshake, never from a header: hosts that enable ASP.NET Core's
/// certificate forwarding (which replaces the connection's TLS feature with a header's certificate).
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class CertificateForwardingTests
{
    private const string ArrHeader = "X-ARR-ClientCert";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private TestPki _pki = null!;
    private readonly List<IAsyncDisposable> _disposables = [];

    [SetUp]
    public void SetUp()
    {
        _pki = new TestPki();
        _disposables.Clear();
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            await disposable.DisposeAsync();
        }

        _pki.Dispose();
    }

    [Test]
    public void MapLedgerSync_HostWithCertificateForwarding_RefusesToStart()
    {
        var builder = CreateBuilder(ScriptedHandler.Echo(), new FakeLoggerProvider(), configure: null);
        builder.Services.AddCertificateForwarding(o => o.CertificateHeader = ArrHeader);
        var app = builder.Build();
        _disposables.Add(app);

        Assert.That(() => app.MapLedgerSync(),
            Throws.TypeOf<LedgerSyncConfigurationException>()
                .With.Message.Contains("certificate forwarding")
                .And.Message.Contains("TrustedProxy")
                .And.Property(nameof(LedgerSyncConfigurationException.Key)).EqualTo("LedgerSync:Http:ClientIdentity"));
    }

    [Test]
    public async Task Endpoint_PartyForwardsAnotherPartysCertificateInHeader_RefusedAndNothingServed()
    {
        // The attack: A connects with its own certificate, puts C's public certificate in the forwarding header and
        // says hello as C. The host enables certificate forwarding (started in trusted-proxy mode, since the default
        // refuses such a host; A is not the proxy).
        var log = new FakeLoggerProvider();
        var handler = ScriptedHandler.Echo();
        using var proxy = TestPki.SelfSigned(PartyName.Parse("O=Proxy, L=London, C=GB"));
        var address = await StartForwardingHostAsync(handler, log, trustedProxy: proxy, addOptions: true);
        var certificateOfC = _pki.Issue(PartyC);
        using var a = new RawSessionClient(_pki.Issue(PartyA));

        using var response = await a.PostAsync(
            address,
            async (body, ct) =>
            {
                await body.WriteAsync(RawSessionClient.Preamble, ct);
                await body.WriteAsync(RawSessionClient.Frame("hello as O=PartyC"u8), ct);
            },
            [new(ArrHeader, Convert.ToBase64String(certificateOfC.RawData))]).WaitAsync(Generous);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(403));
            Assert.That(text, Does.Contain(ArrHeader).And.Contain("TLS handshake"));
            Assert.That(handler.Sessions, Is.Zero, "nothing may be served to a forwarded identity");
            Assert.That(log.Collector.WithEventId(LedgerSyncHttpEventId.ForwardedCertificateRefused).Select(e => e.Level), Is.EqualTo(new[] { LogLevel.Warning }));
        });
    }

    [Test]
    public async Task Endpoint_UseCertificateForwardingWithDefaultHeader_ForwardedCertificateRefused()
    {
        var log = new FakeLoggerProvider();
        var handler = ScriptedHandler.Echo();
        // UseCertificateForwarding() without AddCertificateForwarding(): nothing to detect at start, refused per request.
        var address = await StartForwardingHostAsync(handler, log, trustedProxy: null, addOptions: false);
        using var a = new RawSessionClient(_pki.Issue(PartyA));

        using var response = await a.PostAsync(
            address,
            async (body, ct) => await body.WriteAsync(RawSessionClient.Preamble, ct),
            [new("X-Client-Cert", Convert.ToBase64String(_pki.Issue(PartyC).RawData))]).WaitAsync(Generous);

        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(403));
            Assert.That(handler.Sessions, Is.Zero);
            Assert.That(log.Collector.WithEventId(LedgerSyncHttpEventId.ForwardedCertificateRefused), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Endpoint_TrustedProxyForwardsPartyCertificate_SessionRunsAsForwardedParty()
    {
        var handler = ScriptedHandler.Echo();
        using var proxyCertificate = TestPki.SelfSigned(PartyName.Parse("O=Proxy, L=London, C=GB"));
        var address = await StartForwardingHostAsync(handler, new FakeLoggerProvider(), trustedProxy: proxyCertificate, addOptions: true);
        using var proxy = new RawSessionClient(proxyCertificate);

        using var response = await proxy.PostAsync(
            address,
            async (body, ct) =>
            {
                await body.WriteAsync(RawSessionClient.Preamble, ct);
                await body.WriteAsync(RawSessionClient.Frame([1, 2, 3]), ct);
            },
            [new(ArrHeader, Convert.ToBase64String(_pki.Issue(PartyA).RawData))]).WaitAsync(Generous);
        var body = await ReadSomeAsync(response);

        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(200));
            Assert.That(body.Take(4), Is.EqualTo(RawSessionClient.Preamble));
            Assert.That(handler.Counterparties, Is.EqualTo(new[] { PartyA }));
        });
    }

    [Test]
    public async Task Endpoint_TrustedProxyForwardsUntrustedCertificate_Refused()
    {
        using var unknown = new TestPki("Unknown CA");
        var handler = ScriptedHandler.Echo();
        using var proxyCertificate = TestPki.SelfSigned(PartyName.Parse("O=Proxy, L=London, C=GB"));
        var address = await StartForwardingHostAsync(handler, new FakeLoggerProvider(), trustedProxy: proxyCertificate, addOptions: true);
        using var proxy = new RawSessionClient(proxyCertificate);

        using var response = await proxy.PostAsync(
            address,
            async (body, ct) => await body.WriteAsync(RawSessionClient.Preamble, ct),
            [new(ArrHeader, Convert.ToBase64String(unknown.Issue(PartyA).RawData))]).WaitAsync(Generous);

        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(403));
            Assert.That(handler.Sessions, Is.Zero);
        });
    }

    private static async Task<byte[]> ReadSomeAsync(HttpResponseMessage response)
    {
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64];
        var read = await stream.ReadAtLeastAsync(buffer, 4, throwOnEndOfStream: false).AsTask().WaitAsync(Generous);
        return buffer[..read];
    }

    private WebApplicationBuilder CreateBuilder(IInboundSessionHandler handler, FakeLoggerProvider log, Action<LedgerSyncHttpOptions>? configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.AddProvider(log);
        builder.Services.AddSingleton(handler);
        builder.Services.AddLedgerSync(o => o.LocalParty = PartyB).UseHttpTransport(o =>
        {
            o.Certificate = _pki.Issue(PartyB);
            o.TrustedRootCertificates.Add(_pki.Root);
            configure?.Invoke(o);
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseLedgerSyncHttps()));
        return builder;
    }

    private async Task<Uri> StartForwardingHostAsync(IInboundSessionHandler handler, FakeLoggerProvider log, X509Certificate2? trustedProxy, bool addOptions)
    {
        var builder = CreateBuilder(handler, log, o =>
        {
            if (trustedProxy is not null)
            {
                o.ClientIdentity = LedgerSyncClientIdentity.TrustedProxy;
                o.TrustedProxyCertificateThumbprints.Add(trustedProxy.GetCertHashString(HashAlgorithmName.SHA256));
            }
        });
        if (addOptions)
        {
            builder.Services.AddCertificateForwarding(o => o.CertificateHeader = ArrHeader);
        }

        var app = builder.Build();
        app.UseCertificateForwarding();
        app.MapLedgerSync();
        await app.StartAsync();
        _disposables.Add(app);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(new Uri(bound), LedgerSyncHttpOptions.DefaultPath);
    }
}
