using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LedgerSync.Testing.Logging;
using LedgerSync.Tests.Support;
using LedgerSync.Transport.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static LedgerSync.Tests.Support.TestParties;

namespace LedgerSync.Tests.Security;

[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class MutualTlsTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private TestPki _pki = null!;
    private TestPki _otherPki = null!;
    private readonly List<HttpNode> _nodes = [];

    [SetUp]
    public void SetUp()
    {
        _pki = new TestPki();
        _otherPki = new TestPki("Unknown CA");
        _nodes.Clear();
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        _pki.Dispose();
        _otherPki.Dispose();
    }

    [Test]
    public async Task OpenSessionAsync_ClientCertificateFromUnknownCa_IsRefusedAndHandlerNeverRuns()
    {
        var handler = ScriptedHandler.Echo();
        var b = await StartAsync(PartyB, _pki.Issue(PartyB), [_pki.Root], handler);
        // A trusts B's CA, but its own certificate comes from a CA that B does not trust.
        var a = await StartAsync(PartyA, _otherPki.Issue(PartyA), [_pki.Root]);
        a.Knows(b);

        Assert.That(async () => await OpenAndExchangeAsync(a, PartyB), Throws.TypeOf<PeerAuthenticationException>().With.Property(nameof(PeerAuthenticationException.Reason)).Contains("does not chain to a trusted root"));
        Assert.That(handler.Sessions, Is.Zero);
    }

    [Test]
    public async Task OpenSessionAsync_SelfSignedClientCertificateWithTrustedSubject_IsRefused()
    {
        var handler = ScriptedHandler.Echo();
        var b = await StartAsync(PartyB, _pki.Issue(PartyB), [_pki.Root], handler);
        var impostor = SelfSigned(PartyA);
        var a = await StartAsync(PartyA, impostor, [_pki.Root]);
        a.Knows(b);

        Assert.That(async () => await OpenAndExchangeAsync(a, PartyB), Throws.TypeOf<PeerAuthenticationException>().With.Property(nameof(PeerAuthenticationException.Reason)).Contains("does not chain to a trusted root"));
        Assert.That(handler.Sessions, Is.Zero);
    }

    [Test]
    public async Task OpenSessionAsync_ExpiredClientCertificate_IsRefused()
    {
        var handler = ScriptedHandler.Echo();
        var b = await StartAsync(PartyB, _pki.Issue(PartyB), [_pki.Root], handler);
        var expired = _pki.Issue(PartyA, DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));
        var a = await StartAsync(PartyA, expired, [_pki.Root], validate: false);
        a.Knows(b);

        Assert.That(async () => await OpenAndExchangeAsync(a, PartyB), Throws.TypeOf<PeerAuthenticationException>().With.Property(nameof(PeerAuthenticationException.Reason)).Contains("outside its validity period"));
        Assert.That(handler.Sessions, Is.Zero);
    }

    [Test]
    public async Task OpenSessionAsync_NotYetValidClientCertificate_RefusedWithReason()
    {
        var handler = ScriptedHandler.Echo();
        var b = await StartAsync(PartyB, _pki.Issue(PartyB), [_pki.Root], handler);
        var early = _pki.Issue(PartyA, DateTimeOffset.UtcNow.AddDays(1), DateTimeOffset.UtcNow.AddDays(10));
        var a = await StartAsync(PartyA, early, [_pki.Root], validate: false);
        a.Knows(b);

        Assert.That(async () => await OpenAndExchangeAsync(a, PartyB),
            Throws.TypeOf<PeerAuthenticationException>().With.Property(nameof(PeerAuthenticationException.Reason)).Contains("outside its validity period"));
        Assert.That(handler.Sessions, Is.Zero);
    }

    [Test]
    public async Task OpenSessionAsync_ClientSendsIntermediateChainingToTrustedRoot_IsAccepted()
    {
        using var intermediate = _pki.CreateIntermediate();
        var handler = ScriptedHandler.Echo();
        // B trusts only the root; A's certificate is issued by the intermediate, which A sends in its handshake.
        var b = await StartAsync(PartyB, _pki.Issue(PartyB), [_pki.Root], handler);
        var a = await StartAsync(PartyA, intermediate.Issue(PartyA), [_pki.Root], http: o => o.IntermediateCertificates.Add(intermediate.Root));
        a.Knows(b);

        var reply = await OpenAndExchangeAsync(a, PartyB);

        Assert.Multiple(() =>
        {
            Assert.That(reply, Is.EqualTo(new byte[] { 42 }));
            Assert.That(handler.Counterparties, Is.EqualTo(new[] { PartyA }));
        });
    }

    [Test]
    public async Task OpenSessionAsync_ServerSendsIntermediateChainingToTrustedRoot_IsAccepted()
    {
        using var intermediate = _pki.CreateIntermediate();
        var handler = ScriptedHandler.Echo();
        var b = await StartAsync(PartyB, intermediate.Issue(PartyB), [_pki.Root], handler, http: o => o.IntermediateCertificates.Add(intermediate.Root));
        var a = await StartAsync(PartyA, _pki.Issue(PartyA), [_pki.Root]);
        a.Knows(b);

        Assert.That(await OpenAndExchangeAsync(a, PartyB), Is.EqualTo(new byte[] { 42 }));
    }

    [Test]
    public async Task OpenSessionAsync_ClientCertificateFromIntermediateNotSent_RefusedWithReason()
    {
        using var intermediate = _pki.CreateIntermediate();
        var handler = ScriptedHandler.Echo();
        var b = await StartAsync(PartyB, _pki.Issue(PartyB), [_pki.Root], handler);
        var a = await StartAsync(PartyA, intermediate.Issue(PartyA), [_pki.Root]);
        a.Knows(b);

        Assert.That(async () => await OpenAndExchangeAsync(a, PartyB),
            Throws.TypeOf<PeerAuthenticationException>().With.Property(nameof(PeerAuthenticationException.Reason)).Contains("does not chain to a trusted root"));
        Assert.That(handler.Sessions, Is.Zero);
    }

    [Test]
    public async Task OpenSessionAsync_OnlineRevocationCheckAndNoRevocationInformation_RefusedWithReason()
    {
        // The test CA publishes no CRL or OCSP responder: with online checking on, the revocation status is unknown,
        // and an unknown status refuses the certificate (nothing is fetched: the certificates name no location).
        var handler = ScriptedHandler.Echo();
        var b = await StartAsync(PartyB, _pki.Issue(PartyB), [_pki.Root], handler, http: o => o.RevocationMode = X509RevocationMode.Online);
        var a = await StartAsync(PartyA, _pki.Issue(PartyA), [_pki.Root]);
        a.Knows(b);

        Assert.That(async () => await OpenAndExchangeAsync(a, PartyB),
            Throws.TypeOf<PeerAuthenticationException>().With.Property(nameof(PeerAuthenticationException.Reason)).Contains("revocation").IgnoreCase);
        Assert.That(handler.Sessions, Is.Zero);
    }

    [Test]
    public async Task OpenSessionAsync_PinnedClientCertificateWithServerAuthOnlyEku_RefusedWithReason()
    {
        var certificateA = TestPki.SelfSigned(PartyA, "1.3.6.1.5.5.7.3.1");
        var certificateB = TestPki.SelfSigned(PartyB);
        var handler = ScriptedHandler.Echo();
        var b = await StartAsync(PartyB, certificateB, [], handler, pin: certificateA);
        var a = await StartAsync(PartyA, certificateA, [], pin: certificateB);
        a.Knows(b);

        Assert.That(async () => await OpenAndExchangeAsync(a, PartyB),
            Throws.TypeOf<PeerAuthenticationException>().With.Property(nameof(PeerAuthenticationException.Reason)).Contains("Extended Key Usage"));
        Assert.That(handler.Sessions, Is.Zero);
    }

    [Test]
    public async Task OpenSessionAsync_PinnedServerCertificateWithClientAuthOnlyEku_RefusedByClient()
    {
        var certificateA = TestPki.SelfSigned(PartyA);
        var certificateB = TestPki.SelfSigned(PartyB, "1.3.6.1.5.5.7.3.2");
        var b = await StartAsync(PartyB, certificateB, [], ScriptedHandler.Echo(), pin: certificateA);
        var a = await StartAsync(PartyA, certificateA, [], pin: certificateB);
        a.Knows(b);

        Assert.That(async () => await a.Transport.OpenSessionAsync(PartyB),
            Throws.TypeOf<PeerAuthenticationException>().With.Property(nameof(PeerAuthenticationException.Reason)).Contains("Extended Key Usage"));
    }

    [Test]
    public async Task Endpoint_RawClientWithoutCertificate_RefusedWith401AndWarningLogged()
    {
        var log = new FakeLoggerProvider();
        var handler = ScriptedHandler.Echo();
        var b = await StartAsync(PartyB, _pki.Issue(PartyB), [_pki.Root], handler, log: log);
        using var http = RawClient(null);

        using var response = await http.PostAsync(new Uri(b.Address, LedgerSyncHttpOptions.DefaultPath), new ByteArrayContent([(byte)'L', (byte)'S', (byte)'Y', 1]));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(401));
            Assert.That(text, Does.Contain("client certificate is required"));
            Assert.That(handler.Sessions, Is.Zero);
            Assert.That(log.Collector.WithEventId(LedgerSyncHttpEventId.ClientCertificateMissing).Select(e => e.Level), Has.Some.EqualTo(LogLevel.Warning));
        });
    }

    [Test]
    public async Task OpenSessionAsync_UntrustedClientCertificate_ServerLogsWarningWithReason()
    {
        var log = new FakeLoggerProvider();
        var b = await StartAsync(PartyB, _pki.Issue(PartyB), [_pki.Root], ScriptedHandler.Echo(), log: log);
        var a = await StartAsync(PartyA, _otherPki.Issue(PartyA), [_pki.Root]);
        a.Knows(b);

        Assert.That(async () => await a.Transport.OpenSessionAsync(PartyB), Throws.TypeOf<PeerAuthenticationException>());
        var refused = log.Collector.WithEventId(LedgerSyncHttpEventId.ClientCertificateRefused);
        Assert.That(refused, Has.Count.EqualTo(1));
        Assert.That(refused[0].Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(refused[0].Message, Does.Contain("does not chain to a trusted root"));
    }

    [Test]
    public async Task OpenSessionAsync_ServerCertificateOfAnotherParty_IsRefusedByClient()
    {
        var handlerOfC = ScriptedHandler.Echo();
        var c = await StartAsync(PartyC, _pki.Issue(PartyC), [_pki.Root], handlerOfC);
        var a = await StartAsync(PartyA, _pki.Issue(PartyA), [_pki.Root]);
        // The directory says B lives where C (a trusted, valid node) listens.
        a.Knows(c, asParty: PartyB);

        Assert.That(async () => await a.Transport.OpenSessionAsync(PartyB),
            Throws.TypeOf<PeerAuthenticationException>()
                .With.Property(nameof(PeerAuthenticationException.Party)).EqualTo(PartyB)
                .And.Message.Contains(PartyC.ToString()));
        Assert.That(handlerOfC.Sessions, Is.Zero);
    }

    [Test]
    public async Task OpenSessionAsync_ServerCertificateFromUnknownCa_IsRefusedByClient()
    {
        var handler = ScriptedHandler.Echo();
        var b = await StartAsync(PartyB, _otherPki.Issue(PartyB), [_pki.Root], handler);
        var a = await StartAsync(PartyA, _pki.Issue(PartyA), [_pki.Root]);
        a.Knows(b);

        Assert.That(async () => await a.Transport.OpenSessionAsync(PartyB),
            Throws.TypeOf<PeerAuthenticationException>().With.Message.Contains("does not chain to a trusted root"));
        Assert.That(handler.Sessions, Is.Zero);
    }

    [Test]
    public async Task OpenSessionAsync_PinnedSelfSignedCertificates_SessionRunsWithPinnedParties()
    {
        var certificateA = SelfSigned(PartyA);
        var certificateB = SelfSigned(PartyB);
        var handler = ScriptedHandler.Echo();
        var b = await StartAsync(PartyB, certificateB, [], handler, pin: certificateA);
        var a = await StartAsync(PartyA, certificateA, [], pin: certificateB);
        a.Knows(b);

        var reply = await OpenAndExchangeAsync(a, PartyB);

        Assert.Multiple(() =>
        {
            Assert.That(reply, Is.EqualTo(new byte[] { 42 }));
            Assert.That(handler.Counterparties, Is.EqualTo(new[] { PartyA }));
        });
    }

    [Test]
    public async Task Endpoint_RawClientWithUnknownCertificate_RefusedWith403AndReasonHandlerNeverRuns()
    {
        var handler = ScriptedHandler.Echo();
        var b = await StartAsync(PartyB, _pki.Issue(PartyB), [_pki.Root], handler);
        using var http = RawClient(_otherPki.Issue(PartyA));

        using var response = await http.PostAsync(new Uri(b.Address, LedgerSyncHttpOptions.DefaultPath), new ByteArrayContent([(byte)'L', (byte)'S', (byte)'Y', 1]));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(403));
            Assert.That(text, Does.Contain("does not chain to a trusted root"));
            Assert.That(handler.Sessions, Is.Zero);
        });
    }

    [Test]
    public async Task Endpoint_FrameHeaderAnnouncesOversizeMessage_RefusedWithoutReadingBody()
    {
        var handler = new ScriptedHandler(async (session, ct) => await session.ReceiveAsync(ct));
        var b = await StartAsync(PartyB, _pki.Issue(PartyB), [_pki.Root], handler);
        using var http = RawClient(_pki.Issue(PartyA));
        var body = new StalledBody([(byte)'L', (byte)'S', (byte)'Y', 1, 0x40, 0x00, 0x00, 0x00, 1, 2, 3]); // announces 1 GiB, sends 3 bytes, then waits
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(b.Address, LedgerSyncHttpOptions.DefaultPath))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = body,
        };

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Generous);
        var outcome = await handler.Finished.Task.WaitAsync(Generous);
        Assert.That(outcome, Is.TypeOf<LedgerSyncProtocolException>().And.Message.Contains("1073741824"));

        // The server ended the stream: the raw client's response body fails instead of waiting for more.
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[16];
        Assert.That(async () =>
        {
            while (await stream.ReadAsync(buffer).AsTask().WaitAsync(Generous) > 0)
            {
            }
        }, Throws.InstanceOf<IOException>());
        body.Release();
    }

    private async Task<HttpNode> StartAsync(
        PartyName party,
        X509Certificate2 certificate,
        X509Certificate2[] roots,
        ScriptedHandler? handler = null,
        X509Certificate2? pin = null,
        bool validate = true,
        FakeLoggerProvider? log = null,
        Action<LedgerSyncHttpOptions>? http = null)
    {
        var node = await HttpNode.StartAsync(party, certificate, roots, handler, configureHttp: o =>
        {
            if (pin is not null)
            {
                o.TrustedCertificateThumbprints.Add(pin.GetCertHashString(HashAlgorithmName.SHA256));
            }

            http?.Invoke(o);
        }, configureServices: services =>
        {
            if (log is not null)
            {
                services.AddLogging(logging => logging.AddProvider(log));
            }
        });
        _nodes.Add(node);
        return node;
    }

    private static async Task<byte[]> OpenAndExchangeAsync(HttpNode from, PartyName to)
    {
        await using var session = await from.Transport.OpenSessionAsync(to).AsTask().WaitAsync(Generous);
        await session.SendAsync(new byte[] { 42 });
        await session.CompleteAsync();
        var reply = await session.ReceiveAsync().AsTask().WaitAsync(Generous);
        return reply?.ToArray() ?? [];
    }

    private static X509Certificate2 SelfSigned(PartyName party)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(party.ToDistinguishedName(), key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }

    private static HttpClient RawClient(X509Certificate2? certificate) => new(new SocketsHttpHandler
    {
        SslOptions =
        {
            ClientCertificates = certificate is null ? null : [certificate],
            LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate!,
            RemoteCertificateValidationCallback = (_, server, _, _) => server is not null && server.Subject.Contains("PartyB", StringComparison.Ordinal),
        },
    })
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = Generous,
    };

    private sealed class StalledBody(byte[] prefix) : HttpContent
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _release.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(prefix);
            await stream.FlushAsync();
            await _release.Task;
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
