using BenchmarkDotNet.Attributes;
using LedgerSync.Benchmarks.Wire;
using LedgerSync.Diagnostics;
using LedgerSync.Protocol;
using LedgerSync.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace LedgerSync.Benchmarks.Protocol;

/// <summary>
/// Responder work for one request once the requester's relevant set and encoder are warm: n = 1,000,000 shared
/// transactions and d responder-only ones. A scripted requester (no decoding: it grants credit by the protocol's own
/// policy and says "done" after the number of symbols a real decoder needed in the warm-up run) drives the real
/// responder over the in-memory transport, so the time is the responder's work plus the transport's copying.
/// Run: <c>dotnet run -c Release --project benchmarks/LedgerSync.Benchmarks -- --filter *ResponderCpu*</c>.
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet disposes the fields in [GlobalCleanup].")]
public class ResponderCpuBenchmarks
{
    private static readonly PartyName Requester = PartyName.Parse("O=Requester, L=London, C=GB");
    private static readonly PartyName Responder = PartyName.Parse("O=Responder, L=Ottawa, C=CA");

    private InMemoryNetwork _network = null!;
    private StandaloneIncomingReconciliationAdmission _admission = null!;
    private int _requesterSize;
    private long _needed;

    [Params(1_000_000)]
    public int N { get; set; }

    [Params(10_000)]
    public int D { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var common = Enumerable.Range(0, N).Select(_ => TransactionId.Random(random)).ToArray();
        var extra = Enumerable.Range(0, D).Select(_ => TransactionId.Random(random)).ToArray();
        _requesterSize = common.Length;

        // One real run tells how many symbols the decoder needs for these sets.
        var warmUp = ProtocolScenario.RunAsync(new WireRunInput(common, [.. common, .. extra], 42)).GetAwaiter().GetResult();
        _needed = warmUp.Symbols ?? throw new InvalidOperationException("The warm-up run did not report its symbols.");

        _network = new InMemoryNetwork();
        var graph = new ProtocolScenarioGraph(Requester, [.. common, .. extra]);
        var options = new LedgerSyncOptions { LocalParty = Responder, MaxAllowedReconciliationRequestsPerTimeWindow = int.MaxValue };
        var monitor = new ProtocolScenarioOptionsMonitor(options);
        var registry = new ReconciliationRunRegistry(TimeProvider.System);
        _admission = new StandaloneIncomingReconciliationAdmission(Microsoft.Extensions.Options.Options.Create(options), registry);
        var encoders = new WarmEncoderCache(graph);
        var responder = new ReconciliationResponder(
            graph, _admission, new IncomingRequestRateLimiter(monitor, TimeProvider.System), encoders, monitor, TimeProvider.System,
            NullLogger<ReconciliationResponder>.Instance);
        _network.Register(Responder, responder);

        // Warm: the encoder exists and its prefix has grown to what this request needs.
        RequestAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _network.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _admission.Dispose();
    }

    [Benchmark]
    public Task<long> WarmRequest() => RequestAsync();

    private async Task<long> RequestAsync()
    {
        await using var session = await _network.CreateTransport(Requester).OpenSessionAsync(Responder);
        await session.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, _requesterSize)));
        var accepted = ProtocolCodec.DecodeAccepted((await session.ReceiveAsync())!.Value.Span, Responder);
        var maxExchanges = new LedgerSyncOptions().MaxNumberOfIbfFilterFlows;
        var exchange = 1;
        var exchangeEnd = SymbolFlowPolicy.ExchangeEnd(1, maxExchanges, _requesterSize, accepted.SetSize);
        var granted = SymbolFlowPolicy.FirstBurst(_requesterSize, accepted.SetSize);
        var lowerBound = SymbolFlowPolicy.LowerBound(_requesterSize, accepted.SetSize);
        double estimate = _needed / 1.4; // a requester whose estimate is right
        long received = 0;
        while (received < _needed)
        {
            if (received == granted)
            {
                var nextExchange = granted >= exchangeEnd;
                if (nextExchange)
                {
                    exchange++;
                    exchangeEnd = SymbolFlowPolicy.ExchangeEnd(exchange, maxExchanges, _requesterSize, accepted.SetSize);
                }

                var extended = SymbolFlowPolicy.NextCredit(received, exchangeEnd, estimate, lowerBound);
                await session.SendAsync(ProtocolCodec.EncodeCredit(nextExchange, extended - granted));
                granted = extended;
            }

            var message = (await session.ReceiveAsync())!.Value;
            received += ProtocolCodec.DecodeSymbols(message.Span, (int)(granted - received), out _).Length;
            var want = SymbolFlowPolicy.NextCredit(received, exchangeEnd, estimate, lowerBound);
            if (received < _needed && want > granted && received < granted)
            {
                await session.SendAsync(ProtocolCodec.EncodeCredit(false, want - granted));
                granted = want;
            }
        }

        await session.SendAsync(ProtocolCodec.EncodeDone());
        await session.CompleteAsync();
        while (await session.ReceiveAsync() is not null)
        {
        }

        return received;
    }
}
