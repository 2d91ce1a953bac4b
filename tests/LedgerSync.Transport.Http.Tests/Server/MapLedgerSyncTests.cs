using System.Net;
using System.Security.Cryptography.X509Certificates;
using LedgerSync.Tests.Support;
using LedgerSync.Transport;
using LedgerSync.Transport.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using static LedgerSync.Tests.Support.TestParties;

namespace LedgerSync.Tests.Server;

/// <summary>The endpoint mapped into a host's own ASP.NET Core app with <c>MapLedgerSync()</c>.</summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class MapLedgerSyncTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private TestPki _pki = null!;
    private TestPki _otherPki = null!;
    private readonly List<IAsyncDisposable> _disposables = [];

    [SetUp]
    public void SetUp()
    {
        _pki = new TestPki();
        _otherPki = new TestPki("Unknown CA");
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
        _otherPki.Dispose();
    }

    [Test]
    public async Task MapLedgerSync_WebAppWithUseLedgerSyncHttps_ServesSessions()
    {
        var handler = ScriptedHandler.Echo();
        var address = await StartWebAppAsync(handler, listen => listen.UseLedgerSyncHttps());
        var a = await StartClientAsync(_pki.Issue(PartyA), address);

        await using var session = await a.Transport.OpenSessionAsync(PartyB);
        await session.SendAsync(new byte[] { 7, 8, 9 });
        await session.CompleteAsync();
        var reply = await session.ReceiveAsync().AsTask().WaitAsync(Generous);

        Assert.Multiple(() =>
        {
            Assert.That(reply?.ToArray(), Is.EqualTo(new byte[] { 7, 8, 9 }));
            Assert.That(handler.Counterparties, Is.EqualTo(new[] { PartyA }));
        });
    }

    [Test]
    public async Task MapLedgerSync_HostTlsAcceptsAnyCertificate_EndpointStillRefusesUntrustedClient()
    {
        var handler = ScriptedHandler.Echo();
        // A host whose own TLS settings let any client certificate through: the endpoint must refuse it itself.
        var address = await StartWebAppAsync(handler, listen =>
        {
            var security = listen.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<LedgerSyncHttpOptions>>().Value;
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = security.Certificate,
                ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                ClientCertificateValidation = (certificate, _, _) => certificate is not null,
            });
        });
        var a = await StartClientAsync(_otherPki.Issue(PartyA), address);

        Assert.That(async () => await a.Transport.OpenSessionAsync(PartyB),
            Throws.TypeOf<PeerAuthenticationException>().With.Message.Contains("403"));
        Assert.That(handler.Sessions, Is.Zero);
    }

    private async Task<Uri> StartWebAppAsync(IInboundSessionHandler handler, Action<ListenOptions> configureListen)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSingleton(handler);
        builder.Services.AddLedgerSync(o => o.LocalParty = PartyB).UseHttpTransport(o =>
        {
            o.Certificate = _pki.Issue(PartyB);
            o.TrustedRootCertificates.Add(_pki.Root);
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, configureListen));
        var app = builder.Build();
        app.MapLedgerSync();
        await app.StartAsync();
        _disposables.Add(app);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(bound);
    }

    private async Task<HttpNode> StartClientAsync(X509Certificate2 certificate, Uri serverAddress)
    {
        var node = await HttpNode.StartAsync(PartyA, certificate, [_pki.Root], listen: false, configureHttp: o =>
            o.Peers.Add(new LedgerSyncHttpPeer { Party = PartyB.ToString(), Address = serverAddress }));
        _disposables.Add(node);
        return node;
    }
}
