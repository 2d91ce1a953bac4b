using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
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
using Microsoft.Extensions.Time.Testing;
using static LedgerSync.Tests.Support.TestParties;

namespace LedgerSync.Tests.Server;

/// <summary>What a session may cost the responder before it is admitted: the hello's size and time, and how many sessions a party or a connection holds.</summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class PreAdmissionLimitsTests
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
    public async Task Endpoint_FirstFrameLargerThanHelloLimit_RefusedUnreadAndWarningLogged()
    {
        var log = new FakeLoggerProvider();
        var handler = new ScriptedHandler(async (session, ct) => await session.ReceiveAsync(ct));
        // The maximum message size allows 10 MiB; before admission only MaxHelloSize (4 KiB) is read.
        var b = await StartNodeAsync(PartyB, handler, log, core: o => o.MaxMessageSize = 16 * 1024 * 1024);
        using var a = new RawSessionClient(_pki.Issue(PartyA));
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, 10 * 1024 * 1024);

        // The server resets the stream while the body is still being written, so the post itself may fail either way.
        var post = a.PostAsync(Endpoint(b), async (body, ct) =>
        {
            await body.WriteAsync(RawSessionClient.Preamble, ct);
            await body.WriteAsync(header, ct);
            await body.WriteAsync(new byte[1024], ct);
            await body.FlushAsync(ct);
            await Task.Delay(Timeout.Infinite, ct);
        });
        var outcome = await handler.Finished.Task.WaitAsync(Generous);
        try
        {
            (await post.WaitAsync(Generous)).Dispose();
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            // Reset by the server, as intended.
        }

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.TypeOf<LedgerSyncProtocolException>().And.Message.Contains("10485760").And.Message.Contains("before a session is admitted"));
            Assert.That(log.Collector.WithEventId(LedgerSyncHttpEventId.PreAdmissionLimitReached).Select(e => e.Level), Is.EqualTo(new[] { LogLevel.Warning }));
        });
    }

    [Test]
    public async Task Endpoint_HelloNotSentWithinHelloTimeout_SessionTimesOutAndWarningLogged()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var log = new FakeLoggerProvider();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler(async (session, ct) =>
        {
            entered.TrySetResult();
            await session.ReceiveAsync(ct);
        });
        var b = await StartNodeAsync(PartyB, handler, log, http: o => o.HelloTimeout = TimeSpan.FromSeconds(2), time: time);
        using var a = new RawSessionClient(_pki.Issue(PartyA));

        using var response = await a.PostAsync(Endpoint(b), async (body, ct) =>
        {
            await body.WriteAsync(RawSessionClient.Preamble, ct);
            await body.FlushAsync(ct);
            await Task.Delay(Timeout.Infinite, ct);
        }).WaitAsync(Generous);
        await entered.Task.WaitAsync(Generous);
        time.Advance(TimeSpan.FromSeconds(2));
        var outcome = await handler.Finished.Task.WaitAsync(Generous);

        Assert.Multiple(() =>
        {
            Assert.That(outcome, Is.TypeOf<PeerSessionTimeoutException>().With.Property(nameof(PeerSessionTimeoutException.Timeout)).EqualTo(TimeSpan.FromSeconds(2)));
            Assert.That(log.Collector.WithEventId(LedgerSyncHttpEventId.PreAdmissionLimitReached), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Endpoint_HandlerNeverReadsAndNoHello_StreamResetAtHelloTimeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler(async (_, _) =>
        {
            entered.TrySetResult();
            await release.Task;
        });
        var b = await StartNodeAsync(PartyB, handler, new FakeLoggerProvider(), http: o => o.HelloTimeout = TimeSpan.FromSeconds(1), time: time);
        using var a = new RawSessionClient(_pki.Issue(PartyA));
        using var response = await a.PostAsync(Endpoint(b), async (body, ct) =>
        {
            await body.WriteAsync(RawSessionClient.Preamble, ct);
            await body.FlushAsync(ct);
            await Task.Delay(Timeout.Infinite, ct);
        }).WaitAsync(Generous);
        await entered.Task.WaitAsync(Generous);
        var stream = await response.Content.ReadAsStreamAsync();
        var preamble = new byte[4];
        await stream.ReadExactlyAsync(preamble).AsTask().WaitAsync(Generous);

        time.Advance(TimeSpan.FromSeconds(1));

        Assert.That(async () => await stream.ReadAsync(new byte[16]).AsTask().WaitAsync(Generous), Throws.InstanceOf<IOException>());
        release.TrySetResult();
    }

    [Test]
    public async Task OpenSessionAsync_PartyOverItsSessionLimit_RefusedBeforeReadingAndOtherPartyStillServed()
    {
        var log = new FakeLoggerProvider();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler(async (session, ct) =>
        {
            await session.ReceiveAsync(ct);
            await release.Task.WaitAsync(ct);
            await session.CompleteAsync(ct);
        });
        var b = await StartNodeAsync(PartyB, handler, log, http: o => o.MaxSessionsPerParty = 2);
        var a = await StartNodeAsync(PartyA, null, new FakeLoggerProvider(), listen: false);
        var c = await StartNodeAsync(PartyC, null, new FakeLoggerProvider(), listen: false);
        a.Knows(b);
        c.Knows(b);

        await using var first = await a.Transport.OpenSessionAsync(PartyB);
        await using var second = await a.Transport.OpenSessionAsync(PartyB);
        await first.SendAsync(new byte[] { 1 });
        await second.SendAsync(new byte[] { 2 });

        Assert.That(async () => await a.Transport.OpenSessionAsync(PartyB),
            Throws.TypeOf<PeerConnectionException>().With.Message.Contains("MaxSessionsPerParty").And.Message.Contains("429"));
        await using var ofC = await c.Transport.OpenSessionAsync(PartyB);
        await ofC.SendAsync(new byte[] { 3 });
        release.TrySetResult();
        await ofC.CompleteAsync();
        Assert.Multiple(() =>
        {
            Assert.That(log.Collector.WithEventId(LedgerSyncHttpEventId.SessionLimitReached).Select(e => e.Level), Is.EqualTo(new[] { LogLevel.Warning }));
            Assert.That(log.Collector.WithEventId(LedgerSyncHttpEventId.SessionLimitReached)[0].Message, Does.Contain(PartyA.ToString()));
        });
        Assert.That(await ofC.ReceiveAsync().AsTask().WaitAsync(Generous), Is.Null);

        // Ended sessions give their slots back: A may open two again.
        await first.CompleteAsync();
        await second.CompleteAsync();
        Assert.That(await first.ReceiveAsync().AsTask().WaitAsync(Generous), Is.Null);
        Assert.That(await second.ReceiveAsync().AsTask().WaitAsync(Generous), Is.Null);
        var limiter = b.Services.GetRequiredService<LedgerSyncSessionEndpoint>().Limiter;
        using var drained = new CancellationTokenSource(Generous);
        while (limiter.OpenSessions(PartyA) > 0)
        {
            await Task.Delay(20, drained.Token);
        }

        await using var again = await a.Transport.OpenSessionAsync(PartyB);
        await using var againToo = await a.Transport.OpenSessionAsync(PartyB);
        Assert.That(limiter.OpenSessions(PartyA), Is.EqualTo(2));
    }

    [Test]
    public async Task OpenSessionAsync_ConnectionOverItsSessionLimit_ExtraSessionRefused()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler(async (session, ct) =>
        {
            await session.ReceiveAsync(ct);
            await release.Task.WaitAsync(ct);
        });
        // A host's own Kestrel allows 100 streams per connection; the endpoint allows 2 sessions on one connection.
        var address = await StartWebAppAsync(handler, o =>
        {
            o.MaxSessionsPerConnection = 2;
            o.MaxSessionsPerParty = 10;
        });
        var a = await StartNodeAsync(PartyA, null, new FakeLoggerProvider(), listen: false, http: o =>
            o.Peers.Add(new LedgerSyncHttpPeer { Party = PartyB.ToString(), Address = address }));

        await using var first = await a.Transport.OpenSessionAsync(PartyB);
        await using var second = await a.Transport.OpenSessionAsync(PartyB);

        Assert.That(async () => await a.Transport.OpenSessionAsync(PartyB),
            Throws.TypeOf<PeerConnectionException>().With.Message.Contains("MaxSessionsPerConnection"));
        release.TrySetResult();
    }

    /// <summary>
    /// The attack of the issue: one authenticated client, 4 connections × 100 streams, each announcing a 10 MiB frame
    /// and sending 10 MiB − 64 KiB of it. The responder's managed heap must stay within 64 MiB of where it started, and
    /// an honest peer is served meanwhile. (Client and server share the process, so the figure includes the attacker.)
    /// </summary>
    [Test]
    [CancelAfter(120_000)]
    public async Task Endpoint_FourHundredStreamsOfTenMebibyteFrames_HeapStaysBoundedAndHonestPeerServed()
    {
        const int Frame = 10 * 1024 * 1024;
        const int Sent = Frame - (64 * 1024);
        var handler = new ScriptedHandler(async (session, ct) =>
        {
            while (await session.ReceiveAsync(ct) is { } message)
            {
                await session.SendAsync(message.ToArray(), ct);
            }

            await session.CompleteAsync(ct);
        });
        var b = await StartNodeAsync(PartyB, handler, new FakeLoggerProvider(), core: o => o.MaxMessageSize = 16 * 1024 * 1024);
        var c = await StartNodeAsync(PartyC, null, new FakeLoggerProvider(), listen: false);
        c.Knows(b);
        var chunk = new byte[64 * 1024];
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, Frame);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = baseline;
        using var stopSampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(20);
            }
        });

        var attackers = Enumerable.Range(0, 4).Select(_ => new RawSessionClient(_pki.Issue(PartyA))).ToList();
        using var attackTime = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var refused = 0;
        var attack = attackers.SelectMany(attacker => Enumerable.Range(0, 100).Select(async _ =>
        {
            try
            {
                using var response = await attacker.PostAsync(Endpoint(b), async (body, ct) =>
                {
                    await body.WriteAsync(RawSessionClient.Preamble, ct);
                    await body.WriteAsync(header, ct);
                    for (var sent = 0; sent < Sent; sent += chunk.Length)
                    {
                        await body.WriteAsync(chunk, ct);
                    }

                    await Task.Delay(Timeout.Infinite, ct);
                }, cancellationToken: attackTime.Token);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref refused);
                    return;
                }

                var stream = await response.Content.ReadAsStreamAsync(attackTime.Token);
                await stream.CopyToAsync(Stream.Null, attackTime.Token);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                Interlocked.Increment(ref refused);
            }
        })).ToList();

        // Meanwhile an honest peer runs a session.
        var honest = Stopwatch.StartNew();
        await using (var session = await c.Transport.OpenSessionAsync(PartyB).AsTask().WaitAsync(Generous))
        {
            await session.SendAsync(new byte[] { 1, 2, 3 });
            await session.CompleteAsync();
            Assert.That((await session.ReceiveAsync().AsTask().WaitAsync(Generous))?.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
        }

        honest.Stop();
        await Task.WhenAll(attack).WaitAsync(TimeSpan.FromSeconds(60));
        await stopSampling.CancelAsync();
        await sampler;
        attackers.ForEach(x => x.Dispose());
        var growth = (peak - baseline) / (1024.0 * 1024.0);
        TestContext.Out.WriteLine($"attack: 4 connections x 100 streams x 10 MiB frames; managed heap growth (peak - baseline) {growth:F1} MiB; {refused} of 400 streams refused or reset; honest session {honest.ElapsedMilliseconds} ms");

        Assert.That(growth, Is.LessThanOrEqualTo(64.0));
        Assert.That(refused, Is.EqualTo(400));
    }

    private static Uri Endpoint(HttpNode node) => new(node.Address, LedgerSyncHttpOptions.DefaultPath);

    private async Task<HttpNode> StartNodeAsync(
        PartyName party,
        IInboundSessionHandler? handler,
        FakeLoggerProvider log,
        Action<LedgerSyncOptions>? core = null,
        Action<LedgerSyncHttpOptions>? http = null,
        TimeProvider? time = null,
        bool listen = true)
    {
        var node = await HttpNode.StartAsync(
            party,
            _pki.Issue(party),
            [_pki.Root],
            handler,
            core,
            http,
            time,
            configureServices: services => services.AddLogging(logging => logging.AddProvider(log)),
            listen: listen);
        _disposables.Add(node);
        return node;
    }

    private async Task<Uri> StartWebAppAsync(IInboundSessionHandler handler, Action<LedgerSyncHttpOptions> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSingleton(handler);
        builder.Services.AddLedgerSync(o => o.LocalParty = PartyB).UseHttpTransport(o =>
        {
            o.Certificate = _pki.Issue(PartyB);
            o.TrustedRootCertificates.Add(_pki.Root);
            configure(o);
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseLedgerSyncHttps()));
        var app = builder.Build();
        app.MapLedgerSync();
        await app.StartAsync();
        _disposables.Add(app);
        return new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }
}
