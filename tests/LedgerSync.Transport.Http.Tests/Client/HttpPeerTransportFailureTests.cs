using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using LedgerSync.Diagnostics;
using LedgerSync.Protocol;
using LedgerSync.Tests.Support;
using LedgerSync.Transport.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static LedgerSync.Tests.Support.TestParties;

namespace LedgerSync.Tests.Client;

/// <summary>How the requester reports peers that are down, frozen, or hostile: typed exceptions, one line in operator terms.</summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class HttpPeerTransportFailureTests
{
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
    public async Task ReceiveAsync_ServerSendsWrongPreamble_ProtocolErrorThenLaterCallsFailWithTheSameReason()
    {
        var address = await StartHostileServerAsync(async context =>
        {
            await context.Request.Body.ReadAtLeastAsync(new byte[9], 9);
            await context.Response.Body.WriteAsync("HTTP/1.1 200 OK\r\n"u8.ToArray());
        });
        var a = await StartClientAsync(address);

        await using var session = await a.Transport.OpenSessionAsync(PartyB).AsTask().WaitAsync(Generous);
        await session.SendAsync(new byte[] { 1 });

        Assert.That(async () => await session.ReceiveAsync(),
            Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains("did not answer as a LedgerSync endpoint").And.Message.Contains(PartyB.ToString()));
        Assert.That(async () => await session.SendAsync(new byte[] { 2 }),
            Throws.TypeOf<PeerConnectionException>()
                .With.Message.Contains("already closed").And.Message.Contains("did not answer as a LedgerSync endpoint")
                .And.Message.Not.Contains("disposed").And.Message.Not.Contains("Http2"));
    }

    [Test]
    public async Task ReceiveAsync_ServerTruncatesFrame_ProtocolErrorInOperatorTerms()
    {
        var address = await StartHostileServerAsync(async context =>
        {
            // Wait for the requester's first bytes, then answer with a frame cut short and end the stream.
            await context.Request.Body.ReadAtLeastAsync(new byte[9], 9);
            var header = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(header, 100);
            await context.Response.Body.WriteAsync(RawSessionClient.Preamble);
            await context.Response.Body.WriteAsync(header);
            await context.Response.Body.WriteAsync(new byte[10]);
        });
        var a = await StartClientAsync(address);

        await using var session = await a.Transport.OpenSessionAsync(PartyB).AsTask().WaitAsync(Generous);
        await session.SendAsync(new byte[] { 1 });

        Assert.That(async () => await session.ReceiveAsync().AsTask().WaitAsync(Generous),
            Throws.TypeOf<LedgerSyncProtocolException>().With.Message.Contains("in the middle of a message (14 of 104 bytes"));
        Assert.That(async () => await session.CompleteAsync(),
            Throws.TypeOf<PeerConnectionException>().With.Message.Contains("already closed").And.Message.Not.Contains("disposed"));
    }

    [TestCase("preamble")]
    [TestCase("truncated")]
    public async Task ReconcileAsync_HostileServer_RunFailsWithOneLineOperatorError(string hostility)
    {
        var address = await StartHostileServerAsync(async context =>
        {
            var body = context.Response.Body;
            if (hostility == "preamble")
            {
                await body.WriteAsync("<html>"u8.ToArray());
                await Task.Delay(200);
                return;
            }

            var header = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(header, 1000);
            await body.WriteAsync(RawSessionClient.Preamble);
            await body.WriteAsync(header);
            await body.WriteAsync(new byte[3]);
        });
        var a = await StartClientAsync(address);
        var registry = a.Services.GetRequiredService<ReconciliationRunRegistry>();
        var initiator = a.Services.GetRequiredService<IReconciliationInitiator>();
        using var tracker = registry.Start(Guid.NewGuid(), FlowNames.ReconcileWithParty, PartyB, ReconciliationRole.Requester);

        var error = await CatchAsync(() => initiator.ReconcileAsync(new ReconciliationRequest(PartyB, tracker.RunId, tracker), CancellationToken.None));

        TestContext.Out.WriteLine($"{hostility}: {error?.GetType().Name}: {error?.Message}");
        Assert.That(error, Is.InstanceOf<LedgerSyncException>());
        Assert.That(error!.Message, Does.Contain(PartyB.ToString())
            .And.Not.Contains("disposed").And.Not.Contains("Http2WriteStream").And.Not.Contains("\n"));
    }

    [Test]
    public async Task OpenSessionAsync_PeerAcceptsTcpButNeverAnswers_TimesOutAtTheSessionTimeoutNotConnectPlusSession()
    {
        using var frozen = new TcpListener(IPAddress.Loopback, 0);
        frozen.Start();
        var port = ((IPEndPoint)frozen.LocalEndpoint).Port;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var a = await StartClientAsync(new Uri($"https://127.0.0.1:{port}"), time, core: o => o.SessionTimeout = TimeSpan.FromSeconds(4));

        var opening = a.Transport.OpenSessionAsync(PartyB).AsTask();
        using var accepted = await frozen.AcceptSocketAsync().WaitAsync(Generous);
        time.Advance(TimeSpan.FromSeconds(4));

        Assert.That(async () => await opening.WaitAsync(Generous),
            Throws.TypeOf<PeerSessionTimeoutException>()
                .With.Property(nameof(PeerSessionTimeoutException.Timeout)).EqualTo(TimeSpan.FromSeconds(4))
                .And.Property(nameof(PeerSessionTimeoutException.Party)).EqualTo(PartyB));
    }

    [Test]
    public async Task OpenSessionAsync_NothingListens_ThrowsPeerConnectionExceptionInOperatorTerms()
    {
        var port = FreePort();
        var a = await StartClientAsync(new Uri($"https://127.0.0.1:{port}"));

        Assert.That(async () => await a.Transport.OpenSessionAsync(PartyB).AsTask().WaitAsync(Generous),
            Throws.TypeOf<PeerConnectionException>()
                .With.Message.Contains("refused the connection").And.Message.Contains("LedgerSync:Http:Peers")
                .And.Property(nameof(PeerConnectionException.Party)).EqualTo(PartyB));
    }

    [Test]
    public async Task OpenSessionAsync_PeerResetsTheConnection_ThrowsPeerConnectionException()
    {
        using var resetting = new TcpListener(IPAddress.Loopback, 0);
        resetting.Start();
        var port = ((IPEndPoint)resetting.LocalEndpoint).Port;
        var resets = Task.Run(async () =>
        {
            for (var i = 0; i < 4; i++)
            {
                using var socket = await resetting.AcceptSocketAsync();
                socket.LingerState = new LingerOption(true, 0);
            }
        });
        var a = await StartClientAsync(new Uri($"https://127.0.0.1:{port}"));

        Assert.That(async () => await a.Transport.OpenSessionAsync(PartyB).AsTask().WaitAsync(Generous),
            Throws.TypeOf<PeerConnectionException>().With.Message.Contains(PartyB.ToString()).And.Message.Contains("(the run can be retried)"));
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task<Exception?> CatchAsync(Func<Task> action)
    {
        try
        {
            await action().WaitAsync(Generous);
            return null;
        }
        catch (Exception e) when (e is not TimeoutException)
        {
            return e;
        }
    }

    /// <summary>A TLS HTTP/2 server with B's (valid) certificate that answers every POST with <paramref name="respond"/>.</summary>
    private async Task<Uri> StartHostileServerAsync(Func<HttpContext, Task> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        var certificate = _pki.Issue(PartyB);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(certificate);
        }));
        var app = builder.Build();
        app.MapPost(LedgerSyncHttpOptions.DefaultPath, async context =>
        {
            context.Response.StatusCode = 200;
            await context.Response.StartAsync();
            await context.Response.Body.FlushAsync();
            await respond(context);
        });
        await app.StartAsync();
        _disposables.Add(app);
        return new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    private async Task<HttpNode> StartClientAsync(Uri address, TimeProvider? time = null, Action<LedgerSyncOptions>? core = null)
    {
        var node = await HttpNode.StartAsync(PartyA, _pki.Issue(PartyA), [_pki.Root], configureCore: core, timeProvider: time, listen: false, configureHttp: o =>
            o.Peers.Add(new LedgerSyncHttpPeer { Party = PartyB.ToString(), Address = address }));
        _disposables.Add(node);
        // The requester refuses to start a run while its own ledger graph loads.
        await node.Services.GetRequiredService<LedgerSync.Ledger.ILedgerGraph>().WhenInitializedAsync().WaitAsync(Generous);
        return node;
    }
}
