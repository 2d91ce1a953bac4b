using BenchmarkDotNet.Attributes;
using LedgerSync.Benchmarks.Wire;
using LedgerSync.Diagnostics;
using LedgerSync.Protocol;
using LedgerSync.Sketches;
using LedgerSync.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace LedgerSync.Benchmarks.Protocol;

/// <summary>
/// Responder work for one request once the requester's relevant set and encoder are warm: n = 1,000,000 shared
/// transactions and d responder-only ones. A scripted requester (its symbols computed in the set-up, under the warm
/// encoder's key) streams rounds as the protocol does (protocol version 5: the first from the set sizes, later ones as
/// the responder's credit asks) and reads the result; the real responder decodes them against its warm sketch over the
/// in-memory transport, so the time is the responder's work (decoding, the result's full IDs) plus the transport's
/// copying.
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
    private byte[] _estimator = [];
    private CodedSymbol[] _symbols = [];

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

        // The warm encoder's key stays the same from request to request: the requester's symbols are computed once.
        var key = encoders.Get(Requester).Key;
        var sketch = new LocalSketch(key, ShortIds.Of(key, common), 1, (int)SymbolFlowPolicy.SymbolCap(N, N + D), trackDifferences: true);
        _estimator = ProtocolCodec.EncodeDifferenceEstimate(sketch.Estimator!);
        _symbols = new CodedSymbol[Math.Min(SymbolFlowPolicy.SymbolCap(N, N + D), (4L * D) + 1024)];
        new RequesterSymbolStream(sketch, ReconciliationInitiator.SymbolWindowLimit(N)).Copy(0, _symbols, _symbols.Length);

        // Warm: the encoder's prefix has grown to what this request needs.
        if (RequestAsync().GetAwaiter().GetResult() != D)
        {
            throw new InvalidOperationException($"The warm-up request did not find the {D} missing transactions.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _network.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _admission.Dispose();
    }

    [Benchmark]
    public Task<long> WarmRequest() => RequestAsync();

    /// <summary>One request: hello, the rounds the responder asks for, the result; returns the number of missing IDs.</summary>
    private async Task<long> RequestAsync()
    {
        await using var session = await _network.CreateTransport(Requester).OpenSessionAsync(Responder);
        await session.SendAsync(ProtocolCodec.EncodeHello(new HelloMessage(ProtocolCodec.CurrentVersion, _requesterSize)));
        var accepted = ProtocolCodec.DecodeAccepted((await session.ReceiveAsync())!.Value.Span, Responder);
        if (SymbolFlowPolicy.LowerBound(_requesterSize, accepted.SetSize) >= SymbolFlowPolicy.RequesterEstimatorFrom)
        {
            await session.SendAsync(_estimator);
        }

        var roundEnd = SymbolFlowPolicy.FirstBurst(_requesterSize, accepted.SetSize);
        long next = 0;
        while (true)
        {
            for (; next < roundEnd; next += SymbolFlowPolicy.MaxSymbolsPerChunk)
            {
                var count = (int)Math.Min(SymbolFlowPolicy.MaxSymbolsPerChunk, roundEnd - next);
                await session.SendAsync(ProtocolCodec.EncodeSymbols(roundEnd, next, _symbols.AsSpan((int)next, count)));
            }

            next = roundEnd;
            var message = (await session.ReceiveAsync())!.Value;
            if (ProtocolCodec.PeekType(message.Span) == ProtocolMessageType.Credit)
            {
                roundEnd = Math.Min(_symbols.Length, ProtocolCodec.DecodeCredit(message.Span, out _));
                continue;
            }

            var (total, _, _) = ProtocolCodec.DecodeResult(message.Span, out var ids);
            var received = ids.Length / TransactionId.Size;
            while (received < total)
            {
                received += ProtocolCodec.DecodeResultPart((await session.ReceiveAsync())!.Value.Span).Length / TransactionId.Size;
            }

            await session.CompleteAsync();
            while (await session.ReceiveAsync() is not null)
            {
            }

            return total;
        }
    }
}
