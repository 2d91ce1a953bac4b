using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using static LedgerSync.Tests.Ledger.LedgerTestData;

namespace LedgerSync.Tests.Ledger;

public sealed class LedgerGraphLoadingTests
{
    private LedgerGraph _graph = null!;

    [SetUp]
    public void SetUp() => _graph = NewGraph(pageSize: 10, poolSize: 5);

    [Test]
    public async Task InitializeAsync_MalformedRowsAndDecoderFailures_ReportedNamingTransactionAndLoadGoesOn()
    {
        var source = new InMemoryTransactionSource();
        source.Add(Tx(1, [], Local));
        source.Add(TransactionRecord.Malformed("row-17", "the dependencies column is not a list of IDs.", Id(17)));
        source.Add(TransactionRecord.FromBytes("raw-2", Encode(Tx(2, [1], Local))));
        source.Add(TransactionRecord.FromBytes("raw-3", new byte[] { 0xFF }, Id(3)));
        source.Add(TransactionRecord.FromBytes("raw-4", Encode(Tx(5, [], Local)), Id(4)));
        source.Add(Tx(6, [2], Local));

        await _graph.InitializeAsync(source, new TestDecoder());

        Assert.That(_graph.IsInitialized, Is.True);
        Assert.That(_graph.IsSelfConsistent, Is.False);
        Assert.That(_graph.Count, Is.EqualTo(3));
        var errors = _graph.Errors;
        Assert.That(errors.Select(e => e.Kind), Is.All.EqualTo(LedgerGraphErrorKind.InvalidData));
        Assert.That(errors.Select(e => e.TransactionId), Is.EquivalentTo(new[] { Id(17), Id(3), Id(4) }));
        Assert.That(errors.Single(e => e.TransactionId == Id(17)).Message, Does.Contain("row-17").And.Contain("dependencies column"));
        Assert.That(errors.Single(e => e.TransactionId == Id(3)).Message, Does.Contain("raw-3").And.Contain("decoder failed"));
        Assert.That(errors.Single(e => e.TransactionId == Id(4)).Message, Does.Contain(Id(5).ToString()));
    }

    [Test]
    public async Task InitializeAsync_RawBytesWithoutDecoder_ReportedAsInvalidData()
    {
        var source = new InMemoryTransactionSource();
        source.Add(TransactionRecord.FromBytes("raw-1", Encode(Tx(1, [], Local))));

        await _graph.InitializeAsync(source);

        Assert.That(_graph.Errors.Single().Message, Does.Contain("no transaction decoder"));
    }

    [Test]
    public async Task InitializeAsync_ManyRawTransactions_DecodedInParallelAndAllRecorded()
    {
        var ledger = RandomLedger(seed: 7, count: 5_000);
        var source = new InMemoryTransactionSource();
        foreach (var transaction in ledger)
        {
            source.Add(TransactionRecord.FromBytes(transaction.Id.ToString(), Encode(transaction)));
        }

        var decoder = new TestDecoder();
        await _graph.InitializeAsync(source, decoder);

        Assert.That(_graph.Count, Is.EqualTo(ledger.Count));
        Assert.That(_graph.IsSelfConsistent, Is.True);
        Assert.That(decoder.MaxConcurrency, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task InitializeAsync_RecordCalledWhileLoading_NothingLostAndNothingCountedTwice()
    {
        var ledger = RandomLedger(seed: 3, count: 2_000);
        var gate = new GatedSource(ledger.Take(1_500), gateAfterPages: 20);
        var load = _graph.InitializeAsync(gate);
        await gate.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The host stores new transactions (and some the source will also return) while the graph loads.
        var concurrent = Task.Run(() =>
        {
            foreach (var transaction in ledger.Skip(1_000))
            {
                _graph.Record(transaction);
            }
        });
        await concurrent;
        gate.Open();
        await load;

        Assert.That(_graph.Count, Is.EqualTo(ledger.Count));
        Assert.That(_graph.IsSelfConsistent, Is.True);
        Assert.That(_graph.GetRelevantSet(Party(2)).Snapshot(), Is.EquivalentTo(ExpectedRelevantSet(ledger, Local, Party(2))));
    }

    [Test]
    public async Task InitializeAsync_SlowSource_ReportsPeriodicProgressAndFinalProgress()
    {
        var time = new FakeTimeProvider();
        _graph = NewGraph(pageSize: 10, timeProvider: time);
        _graph.LoadProgressInterval = TimeSpan.FromSeconds(10);
        var source = new ClockAdvancingSource(RandomLedger(seed: 4, count: 100), time, TimeSpan.FromSeconds(4));
        var reports = new List<LedgerGraphLoadProgress>();

        await _graph.InitializeAsync(source, progress: new SynchronousProgress(reports));

        Assert.That(reports.Count(r => !r.IsComplete), Is.InRange(1, 4));
        var final = reports[^1];
        Assert.That(final.IsComplete, Is.True);
        Assert.That(final.Loaded, Is.EqualTo(100));
        Assert.That(final.Total, Is.EqualTo(100));
        Assert.That(final.Percent, Is.EqualTo(100));
        Assert.That(final.RatePerSecond, Is.GreaterThan(0));
        Assert.That(reports.Where(r => !r.IsComplete).Select(r => r.Percent), Is.All.InRange(0, 100));
    }

    [Test]
    public async Task InitializeAsync_SlowSourceWithBadRow_LogsStartProgressWithPercentBadRowAndCompletion()
    {
        var time = new FakeTimeProvider();
        var logger = new FakeLogger<LedgerGraph>();
        var options = new LedgerSyncOptions { LocalParty = Local, TransactionReaderPageSize = 10, TransactionReaderPoolSize = 5 };
        _graph = new LedgerGraph(options, time, logger) { LoadProgressInterval = TimeSpan.FromSeconds(10) };
        var ledger = RandomLedger(seed: 8, count: 100);
        var inner = new InMemoryTransactionSource(ledger);
        inner.Add(TransactionRecord.Malformed("row-x", "broken row."));
        var source = new ClockAdvancingSource(inner, time, TimeSpan.FromSeconds(4));

        await _graph.InitializeAsync(source);

        var events = logger.Collector.GetSnapshot();
        Assert.That(
            events.Select(e => (e.Id.Id, e.Level)),
            Does.Contain((LedgerSyncEventId.LedgerGraphLoadStarted, LogLevel.Information))
                .And.Contain((LedgerSyncEventId.LedgerGraphLoadProgressWithPercent, LogLevel.Information))
                .And.Contain((LedgerSyncEventId.LedgerGraphLoadCompleted, LogLevel.Information))
                .And.Contain((LedgerSyncEventId.LedgerGraphNotSelfConsistent, LogLevel.Warning))
                .And.Contain((LedgerSyncEventId.LedgerGraphInvalidData, LogLevel.Warning)));
        Assert.That(
            events.First(e => e.Id.Id == LedgerSyncEventId.LedgerGraphLoadProgressWithPercent).Message,
            Does.Contain("of 101 transactions").And.Contain("%").And.Contain("per second"));
        Assert.That(events.Single(e => e.Id.Id == LedgerSyncEventId.LedgerGraphInvalidData).Message, Does.Contain("row-x"));
    }

    [Test]
    public async Task InitializeAsync_SourceFails_ThrowsAndStaysUninitializedThenCanRetry()
    {
        var failing = new FailingSource();

        Assert.That(async () => await _graph.InitializeAsync(failing), Throws.InvalidOperationException.With.Message.EqualTo("database unreachable"));
        Assert.That(_graph.IsInitialized, Is.False);

        await _graph.InitializeAsync(new InMemoryTransactionSource([Tx(1, [], Local)]));
        Assert.That(_graph.IsInitialized, Is.True);
    }

    [Test]
    public async Task InitializeAsync_Twice_ThrowsInvalidOperation()
    {
        await _graph.InitializeAsync(new InMemoryTransactionSource());

        Assert.That(async () => await _graph.InitializeAsync(new InMemoryTransactionSource()), Throws.InvalidOperationException);
    }

    [Test]
    public void InitializeAsync_Canceled_ThrowsCanceledAndStaysUninitialized()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.That(async () => await _graph.InitializeAsync(new InMemoryTransactionSource(RandomLedger(1, 100)), cancellationToken: cancellation.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(_graph.IsInitialized, Is.False);
    }

    [Test]
    public async Task InitializeAsync_EmptySource_InitializedAndSelfConsistent()
    {
        await _graph.InitializeAsync(new InMemoryTransactionSource());

        Assert.That(_graph.IsInitialized, Is.True);
        Assert.That(_graph.IsSelfConsistent, Is.True);
    }

    [Test]
    public async Task WhenInitializedAsync_LoadGated_PendingUntilTheLoadCompletes()
    {
        var source = new GatedSource(RandomLedger(seed: 3, count: 100), gateAfterPages: 3);
        var load = _graph.InitializeAsync(source);
        await source.Reached.Task;

        var ready = _graph.WhenInitializedAsync();
        Assert.That(ready.IsCompleted, Is.False, "pending while the load is held at its third page");
        Assert.That(_graph.IsInitialized, Is.False);

        source.Open();
        await ready.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(_graph.IsInitialized, Is.True, "initialized when the task completes");
        Assert.That(_graph.Count, Is.EqualTo(100));
        await load;
    }

    [Test]
    public async Task WhenInitializedAsync_AlreadyInitialized_CompletedAtOnce()
    {
        await _graph.InitializeAsync(new InMemoryTransactionSource(RandomLedger(seed: 4, count: 10)));

        var ready = _graph.WhenInitializedAsync();

        Assert.That(ready.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task WhenInitializedAsync_GraphNotSelfConsistent_CompletesAndErrorsAreThere()
    {
        var ready = _graph.WhenInitializedAsync();
        await _graph.InitializeAsync(new InMemoryTransactionSource([Tx(2, [1], Local)]));

        await ready.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(_graph.IsSelfConsistent, Is.False);
        Assert.That(_graph.Errors.Single().Kind, Is.EqualTo(LedgerGraphErrorKind.MissingDependency));
    }

    [Test]
    public async Task WhenInitializedAsync_WaitCanceled_ThrowsCanceledAndTheLoadGoesOn()
    {
        var source = new GatedSource(RandomLedger(seed: 5, count: 50), gateAfterPages: 1);
        var load = _graph.InitializeAsync(source);
        await source.Reached.Task;
        using var cancellation = new CancellationTokenSource();
        var ready = _graph.WhenInitializedAsync(cancellation.Token);

        await cancellation.CancelAsync();

        Assert.That(async () => await ready, Throws.InstanceOf<OperationCanceledException>());
        source.Open();
        await load;
        Assert.That(_graph.WhenInitializedAsync().IsCompletedSuccessfully, Is.True, "a later wait completes once loaded");
    }

    [Test]
    public async Task WhenInitializedAsync_LoadFails_StaysPendingAndALaterLoadCompletesIt()
    {
        var ready = _graph.WhenInitializedAsync();
        Assert.That(async () => await _graph.InitializeAsync(new FailingSource()), Throws.InvalidOperationException);
        Assert.That(ready.IsCompleted, Is.False, "a failed load does not complete the wait");

        await _graph.InitializeAsync(new InMemoryTransactionSource(RandomLedger(seed: 6, count: 10)));

        await ready.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(_graph.IsInitialized, Is.True);
    }

    // A tiny format for tests: ID hex; dependency hexes joined by ','; party names joined by ';'.
    private static byte[] Encode(TransactionMetadata transaction) =>
        System.Text.Encoding.UTF8.GetBytes($"{transaction.Id}|{string.Join(',', transaction.Dependencies)}|{string.Join(';', transaction.Participants)}");

    private sealed class TestDecoder : ITransactionDecoder
    {
        private int _running;
        private int _maxConcurrency;

        public int MaxConcurrency => _maxConcurrency;

        public TransactionMetadata Decode(ReadOnlyMemory<byte> bytes)
        {
            var running = Interlocked.Increment(ref _running);
            InterlockedMax(ref _maxConcurrency, running);
            try
            {
                var parts = System.Text.Encoding.UTF8.GetString(bytes.Span).Split('|');
                if (parts.Length != 3)
                {
                    throw new FormatException("not a test transaction");
                }

                return new TransactionMetadata(
                    TransactionId.Parse(parts[0]),
                    [.. parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(TransactionId.Parse)],
                    [.. parts[2].Split(';', StringSplitOptions.RemoveEmptyEntries).Select(PartyName.Parse)]);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int current;
            while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
            {
            }
        }
    }

    private sealed class GatedSource(IEnumerable<TransactionMetadata> transactions, int gateAfterPages) : ITransactionSource
    {
        private readonly InMemoryTransactionSource _inner = new(transactions);
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _pages;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _open.TrySetResult();

        public ValueTask<long?> GetTotalCountAsync(CancellationToken cancellationToken = default) => _inner.GetTotalCountAsync(cancellationToken);

        public async ValueTask<TransactionPage> ReadPageAsync(object? continuation, int pageSize, CancellationToken cancellationToken = default)
        {
            if (++_pages == gateAfterPages)
            {
                Reached.TrySetResult();
                await _open.Task.WaitAsync(cancellationToken);
            }

            return await _inner.ReadPageAsync(continuation, pageSize, cancellationToken);
        }
    }

    private sealed class ClockAdvancingSource(InMemoryTransactionSource inner, FakeTimeProvider time, TimeSpan perPage) : ITransactionSource
    {
        private readonly InMemoryTransactionSource _inner = inner;

        public ClockAdvancingSource(IEnumerable<TransactionMetadata> transactions, FakeTimeProvider time, TimeSpan perPage)
            : this(new InMemoryTransactionSource(transactions), time, perPage)
        {
        }

        public ValueTask<long?> GetTotalCountAsync(CancellationToken cancellationToken = default) => _inner.GetTotalCountAsync(cancellationToken);

        public ValueTask<TransactionPage> ReadPageAsync(object? continuation, int pageSize, CancellationToken cancellationToken = default)
        {
            time.Advance(perPage);
            return _inner.ReadPageAsync(continuation, pageSize, cancellationToken);
        }
    }

    private sealed class FailingSource : ITransactionSource
    {
        public ValueTask<long?> GetTotalCountAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<long?>(null);

        public ValueTask<TransactionPage> ReadPageAsync(object? continuation, int pageSize, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("database unreachable");
    }

    private sealed class SynchronousProgress(List<LedgerGraphLoadProgress> reports) : IProgress<LedgerGraphLoadProgress>
    {
        public void Report(LedgerGraphLoadProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
