using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LedgerSync.CrashNode;
using LedgerSync.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Tests.Scheduling;

/// <summary>
/// The network and the node processes of a crash test: a loopback listener in front of real LedgerSync responders (one
/// per peer, in this process) that counts the sessions each peer is opened, and crash nodes
/// (<c>tests/LedgerSync.CrashNode</c>) started as child processes, to be killed with SIGKILL.
/// </summary>
public abstract class CrashTestNetwork
{
    private readonly ConcurrentDictionary<PartyName, IHost> _responders = new();
    private TcpListener _listener = null!;
    private CancellationTokenSource _stop = null!;

    /// <summary>The sessions opened to each peer, counted when the opener's first bytes arrive.</summary>
    protected ConcurrentDictionary<PartyName, int> Sessions { get; } = new();

    /// <summary>The sessions to each peer that the peer refused (its first message on the wire is a refusal, e.g. busy), which the requester retries.</summary>
    protected ConcurrentDictionary<PartyName, int> Refusals { get; } = new();

    /// <summary>Sessions opened to <paramref name="party"/> that were not refused: the reconciliations it was asked to run.</summary>
    protected int AcceptedSessions(PartyName party) => Sessions.GetValueOrDefault(party) - Refusals.GetValueOrDefault(party);

    /// <summary>Starts the listener (before the derived fixture's <c>[SetUp]</c>).</summary>
    [SetUp]
    public void StartNetwork()
    {
        Sessions.Clear();
        Refusals.Clear();
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _stop = new CancellationTokenSource();
        _ = AcceptAsync(_stop.Token);
    }

    /// <summary>Stops the listener and the responders (after the derived fixture's <c>[TearDown]</c>).</summary>
    [TearDown]
    public async Task StopNetworkAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _listener.Dispose();
        foreach (var host in _responders.Values)
        {
            await host.StopAsync();
            host.Dispose();
        }

        _responders.Clear();
        _stop.Dispose();
    }

    /// <summary>
    /// Starts a crash node on <paramref name="storage"/> (a SQLite file, or <c>--postgres</c> and a connection string)
    /// whose ledger takes <paramref name="loadDelayMs"/> to load; with <paramref name="schedule"/> it queues that many jobs.
    /// </summary>
    protected Process StartNode(IReadOnlyList<string> storage, int loadDelayMs, int? schedule)
    {
        var dll = Path.Combine(CrashNodeDirectory(), "LedgerSync.CrashNode.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var argument in storage)
        {
            info.ArgumentList.Add(argument);
        }

        info.ArgumentList.Add(((IPEndPoint)_listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(loadDelayMs.ToString(CultureInfo.InvariantCulture));
        if (schedule is { } count)
        {
            info.ArgumentList.Add("schedule");
            info.ArgumentList.Add(count.ToString(CultureInfo.InvariantCulture));
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start the crash node");
    }

    /// <summary>Waits until <paramref name="node"/> prints "ready" (its host started; with "schedule", its jobs queued).</summary>
    protected static async Task WaitForReadyAsync(Process node, int seconds = 60)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (await node.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line == "ready")
            {
                return;
            }
        }

        throw new InvalidOperationException($"The crash node exited with code {node.ExitCode} before it was ready.");
    }

    /// <summary>Polls <paramref name="condition"/> every 20 ms until it holds, or fails after <paramref name="seconds"/>.</summary>
    protected static async Task WaitForAsync(Func<bool> condition, string what, int seconds = 60) =>
        await WaitForAsync(() => Task.FromResult(condition()), what, seconds);

    /// <summary>Polls <paramref name="condition"/> every 20 ms until it holds, or fails after <paramref name="seconds"/>.</summary>
    protected static async Task WaitForAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var deadline = Environment.TickCount64 + (seconds * 1000L);
        while (!await condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }

    private static string CrashNodeDirectory()
    {
        // tests/LedgerSync.Dapper.Tests/bin/<Configuration>/net10.0 → tests/LedgerSync.CrashNode/bin/<Configuration>/net10.0
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(here.Parent!.Parent!.Parent!.Parent!.FullName, "LedgerSync.CrashNode", "bin", here.Parent!.Name, here.Name);
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(client, cancellationToken);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken cancellationToken)
    {
        try
        {
            var opener = await LoopbackSession.ReadNameAsync(client.GetStream(), cancellationToken);
            var target = await LoopbackSession.ReadNameAsync(client.GetStream(), cancellationToken);
            Sessions.AddOrUpdate(target, 1, (_, n) => n + 1);
            await Task.Delay(250, cancellationToken); // each run takes a while, so the kill lands mid-queue
            var handler = Responder(target).Services.GetRequiredService<IInboundSessionHandler>();
            await using var session = new ObservedSession(new LoopbackSession(client, opener), () => Refusals.AddOrUpdate(target, 1, (_, n) => n + 1));
            await handler.HandleAsync(session, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or EndOfStreamException)
        {
            client.Dispose(); // the requester was killed mid-session
        }
    }

    private IHost Responder(PartyName party) => _responders.GetOrAdd(party, p =>
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddLedgerSync(o => o.LocalParty = p).UseTransactionSource(new LedgerSync.Ledger.InMemoryTransactionSource());
        var host = builder.Build();
        host.StartAsync().GetAwaiter().GetResult();
        var graph = host.Services.GetRequiredService<LedgerSync.Ledger.ILedgerGraph>();
        graph.WhenInitializedAsync().WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        return host;
    });

    /// <summary>Watches the responder's first message on the wire: a refusal (message type 3, <c>Refused</c>) is counted.</summary>
    private sealed class ObservedSession(IPeerSession inner, Action refused) : IPeerSession
    {
        private const byte RefusedMessageType = 3;
        private bool _sent;

        public PartyName Counterparty => inner.Counterparty;

        public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
        {
            if (!_sent)
            {
                _sent = true;
                if (message.Length > 0 && message.Span[0] == RefusedMessageType)
                {
                    refused();
                }
            }

            return inner.SendAsync(message, cancellationToken);
        }

        public ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken cancellationToken = default) => inner.ReceiveAsync(cancellationToken);

        public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => inner.CompleteAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
