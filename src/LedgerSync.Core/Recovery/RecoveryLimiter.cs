using Microsoft.Extensions.Options;

namespace LedgerSync.Recovery;

/// <summary>
/// The responder's recovery limits per party: <c>maxAllowedRequests</c> per <c>timeWindowForMaxAllowedRequests</c> and
/// <c>maxAllowedSizeInBytes</c> of payload per <c>timeWindowForMaxAllowedSize</c>, in sliding windows of fixed memory
/// per party. Parties idle for longer than both windows are forgotten. Not preserved over restarts.
/// </summary>
internal sealed class RecoveryLimiter(IOptionsMonitor<LedgerSyncOptions> options, TimeProvider timeProvider)
{
    private const int SweepThreshold = 256;

    private readonly Lock _lock = new();
    private readonly Dictionary<PartyName, (SlidingWindowBudget Requests, SlidingWindowBudget Bytes)> _parties = [];

    /// <summary>The number of parties tracked (for tests of bounded memory).</summary>
    internal int TrackedParties
    {
        get
        {
            lock (_lock)
            {
                return _parties.Count;
            }
        }
    }

    /// <summary>What is left for <paramref name="party"/> now: requests and bytes.</summary>
    public (int Requests, long Bytes) Remaining(PartyName party)
    {
        var current = options.CurrentValue;
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            var budgets = Get(party);
            return ((int)budgets.Requests.Remaining(current.MaxAllowedRequests, current.TimeWindowForMaxAllowedRequests, now),
                budgets.Bytes.Remaining(current.MaxAllowedSizeInBytes, current.TimeWindowForMaxAllowedSize, now));
        }
    }

    /// <summary>Counts one request if the limit allows; otherwise says how long until it does.</summary>
    public bool TryTakeRequest(PartyName party, out TimeSpan retryAfter)
    {
        var current = options.CurrentValue;
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            var budget = Get(party).Requests;
            if (budget.TryTake(1, current.MaxAllowedRequests, current.TimeWindowForMaxAllowedRequests, now))
            {
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = budget.WaitFor(1, current.MaxAllowedRequests, current.TimeWindowForMaxAllowedRequests, now);
            return false;
        }
    }

    /// <summary>Counts <paramref name="bytes"/> of payload if the limit allows; otherwise says how long until it does.</summary>
    public bool TryTakeBytes(PartyName party, long bytes, out TimeSpan retryAfter)
    {
        var current = options.CurrentValue;
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            var budget = Get(party).Bytes;
            if (budget.TryTake(bytes, current.MaxAllowedSizeInBytes, current.TimeWindowForMaxAllowedSize, now))
            {
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = budget.WaitFor(bytes, current.MaxAllowedSizeInBytes, current.TimeWindowForMaxAllowedSize, now);
            return false;
        }
    }

    private (SlidingWindowBudget Requests, SlidingWindowBudget Bytes) Get(PartyName party)
    {
        if (!_parties.TryGetValue(party, out var budgets))
        {
            if (_parties.Count >= SweepThreshold)
            {
                Sweep();
            }

            budgets = (new SlidingWindowBudget(), new SlidingWindowBudget());
            _parties[party] = budgets;
        }

        return budgets;
    }

    private void Sweep()
    {
        var current = options.CurrentValue;
        var idle = current.TimeWindowForMaxAllowedRequests > current.TimeWindowForMaxAllowedSize ? current.TimeWindowForMaxAllowedRequests : current.TimeWindowForMaxAllowedSize;
        var now = timeProvider.GetUtcNow();
        foreach (var (party, budgets) in _parties.ToList())
        {
            var last = budgets.Requests.LastUsed > budgets.Bytes.LastUsed ? budgets.Requests.LastUsed : budgets.Bytes.LastUsed;
            if (now - last > idle + idle)
            {
                _parties.Remove(party);
            }
        }
    }
}
