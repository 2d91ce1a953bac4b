using System.Collections.Concurrent;
using LedgerSync.Protocol;

namespace LedgerSync.Testing.Scheduling;

/// <summary>
/// A stand-in for the protocol's initiator: runs <see cref="Behavior"/> for each request and records how many runs
/// were in flight at once and which parties were reconciled (and how often each completed).
/// </summary>
internal sealed class FakeReconciliationInitiator : IReconciliationInitiator
{
    private int _current;
    private int _max;

    public Func<ReconciliationRequest, CancellationToken, Task<ReconciliationResult>> Behavior { get; set; } =
        (_, _) => Task.FromResult(NoDifferences);

    public static ReconciliationResult NoDifferences { get; } = new([], 0, 1, 0, 0);

    public ConcurrentQueue<ReconciliationRequest> Calls { get; } = new();

    public ConcurrentDictionary<PartyName, int> Completed { get; } = new();

    public int MaxConcurrent => Volatile.Read(ref _max);

    public int Current => Volatile.Read(ref _current);

    public static ReconciliationResult Found(params TransactionId[] missing) => new(missing, 0, 1, 0, 0);

    public async Task<ReconciliationResult> ReconcileAsync(ReconciliationRequest request, CancellationToken cancellationToken)
    {
        Calls.Enqueue(request);
        var now = Interlocked.Increment(ref _current);
        int seen;
        while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen)
        {
        }

        try
        {
            var result = await Behavior(request, cancellationToken).ConfigureAwait(false);
            Completed.AddOrUpdate(request.Counterparty, 1, (_, n) => n + 1);
            return result;
        }
        finally
        {
            Interlocked.Decrement(ref _current);
        }
    }
}
