using System.Collections.Concurrent;
using System.Globalization;
using LedgerSync.Diagnostics;
using LedgerSync.Protocol;
using LedgerSync.Scheduling;
using LedgerSync.Status;
using Microsoft.Extensions.Options;

namespace LedgerSync.Benchmarks.Scheduling;

/// <summary>
/// How late due work starts: <c>dotnet run -c Release --project benchmarks/LedgerSync.Benchmarks -- lateness [--jobs N] [--seed S]</c>.
/// Schedules N timed jobs (due 0.2–3 s ahead) and N jobs whose peer answers "busy" three times (so three back-off
/// retries each, 100 ms initial delay), on the system clock with the in-memory stores and a pool of 3, and measures at
/// each claim how long after its due time the job was claimed. Prints the count, p50, p90, p99 and max in ms.
/// </summary>
internal static class DueTimeLatenessReport
{
    [Report("lateness")]
    public static int Run(string[] args)
    {
        var jobs = 30;
        var seed = 1;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--jobs": jobs = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine("usage: lateness [--jobs N] [--seed S]"); return 2;
            }
        }

        var store = new MeasuringJobStore(TimeProvider.System);
        var registry = new ReconciliationRunRegistry(TimeProvider.System);
        var options = Options.Create(new LedgerSyncOptions
        {
            LocalParty = PartyName.Parse("O=PartyA, L=London, C=GB"),
            MaxNumberOfParallelReconciliationRequests = 3,
            RetryInitialDelay = TimeSpan.FromMilliseconds(100),
            RetryMaxDelay = TimeSpan.FromSeconds(1),
            MaxReconciliationRetryAttemptTimeout = TimeSpan.FromMinutes(1),
        });
        var initiator = new BusyThenDoneInitiator(busyAnswers: 3);
        var scheduler = ReconciliationScheduler.Create(initiator, new InMemoryStatusStore(), store, store, new ReadyLedgerGraph(), registry, options, TimeProvider.System, random: new Random(seed));
        scheduler.StartAsync().GetAwaiter().GetResult();
        var random = new Random(seed);
        var now = TimeProvider.System.GetUtcNow();
        for (var i = 0; i < jobs; i++)
        {
            var timed = PartyName.Parse($"O=Timed{i:D4}, L=London, C=GB");
            initiator.AlwaysReady.TryAdd(timed, 0);
            scheduler.ScheduleAsync([timed], now.AddMilliseconds(200 + random.Next(2800))).GetAwaiter().GetResult();
        }

        scheduler.ScheduleAsync([.. Enumerable.Range(0, jobs).Select(i => PartyName.Parse($"O=Busy{i:D4}, L=London, C=GB"))]).GetAwaiter().GetResult();
        var deadline = Environment.TickCount64 + 120_000;
        while (initiator.Done < 2 * jobs && Environment.TickCount64 < deadline)
        {
            Thread.Sleep(50);
        }

        scheduler.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Print("timed", store.Lateness.Where(l => !l.Retry).Select(l => l.Ms).ToList());
        Print("retry", store.Lateness.Where(l => l.Retry).Select(l => l.Ms).ToList());
        Print("all", store.Lateness.Select(l => l.Ms).ToList());
        return initiator.Done == 2 * jobs ? 0 : 1;
    }

    private static void Print(string what, List<double> ms)
    {
        ms.Sort();
        if (ms.Count == 0)
        {
            Console.WriteLine($"{what,-6} no samples");
            return;
        }

        double P(double q) => ms[Math.Min(ms.Count - 1, (int)Math.Ceiling(q * ms.Count) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-6} n={ms.Count,4}  p50={P(0.50),7:0.0} ms  p90={P(0.90),7:0.0} ms  p99={P(0.99),7:0.0} ms  max={ms[^1],7:0.0} ms"));
    }

    private sealed class BusyThenDoneInitiator(int busyAnswers) : IReconciliationInitiator
    {
        private readonly ConcurrentDictionary<PartyName, int> _answers = new();
        private int _done;

        public ConcurrentDictionary<PartyName, int> AlwaysReady { get; } = new();

        public int Done => Volatile.Read(ref _done);

        public Task<ReconciliationResult> ReconcileAsync(ReconciliationRequest request, CancellationToken cancellationToken)
        {
            if (!AlwaysReady.ContainsKey(request.Counterparty) && _answers.AddOrUpdate(request.Counterparty, 1, (_, n) => n + 1) <= busyAnswers)
            {
                throw new MaxIncomingSessionsExceededException(request.Counterparty);
            }

            Interlocked.Increment(ref _done);
            return Task.FromResult(new ReconciliationResult([], 0, 1, 0, 0));
        }
    }

    /// <summary>The in-memory store, measuring at each claim how long after its (future) due time a job was claimed.</summary>
    private sealed class MeasuringJobStore(TimeProvider time) : IReconciliationJobStore, IReconciliationJobQueries
    {
        private readonly InMemoryReconciliationJobStore _inner = new();

        public ConcurrentBag<(bool Retry, double Ms)> Lateness { get; } = [];

        public Task<bool> TryAddAsync(ReconciliationJob job, CancellationToken cancellationToken = default) => _inner.TryAddAsync(job, cancellationToken);

        public async Task<IReconciliationJobClaim?> TryClaimNextAsync(DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
        {
            var claim = await _inner.TryClaimNextAsync(now, leaseUntil, cancellationToken).ConfigureAwait(false);
            if (claim is { Job: var job } && (job.Attempt > 0 || job.DueAt > job.CreatedAt))
            {
                Lateness.Add((job.Attempt > 0, (time.GetUtcNow() - job.DueAt).TotalMilliseconds));
            }

            return claim;
        }

        public Task<IReconciliationJobClaim> AddClaimedAsync(ReconciliationJob job, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) => _inner.AddClaimedAsync(job, leaseUntil, cancellationToken);

        public Task<IReadOnlyList<ReconciliationJob>> RecoverExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default) => _inner.RecoverExpiredAsync(now, cancellationToken);

        public Task<IReadOnlyList<ReconciliationJob>> RemoveForPartyAsync(PartyName party, CancellationToken cancellationToken = default) => _inner.RemoveForPartyAsync(party, cancellationToken);

        public Task<DateTimeOffset?> GetNextDueAsync(CancellationToken cancellationToken = default) => _inner.GetNextDueAsync(cancellationToken);

        public Task<IReadOnlyList<ReconciliationJob>> GetForPartyAsync(PartyName party, CancellationToken cancellationToken = default) => _inner.GetForPartyAsync(party, cancellationToken);

        public Task<IReadOnlyList<ReconciliationJob>> GetAllAsync(CancellationToken cancellationToken = default) => _inner.GetAllAsync(cancellationToken);

        public Task<ReconciliationJobCounts> GetCountsAsync(CancellationToken cancellationToken = default) => _inner.GetCountsAsync(cancellationToken);
    }
}
