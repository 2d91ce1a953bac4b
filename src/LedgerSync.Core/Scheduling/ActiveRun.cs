using LedgerSync.Diagnostics;

namespace LedgerSync.Scheduling;

/// <summary>
/// A run that holds a slot of the execution pool (either role) and the claim on its job. Ended exactly once, by its
/// own end or by an operator's stop; the slot is given back exactly once.
/// </summary>
internal sealed class ActiveRun : IDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private int _ended;
    private int _slotHeld = 1;

    public ActiveRun(IReconciliationJobClaim claim, RunTracker tracker, DateTimeOffset startedAt, CancellationToken shutdown)
    {
        Claim = claim;
        Tracker = tracker;
        StartedAt = startedAt;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        Token = _cancellation.Token;
    }

    /// <summary>The claim on the job (outgoing) or lease (incoming) the run belongs to.</summary>
    public IReconciliationJobClaim Claim { get; }

    public ReconciliationJob Job => Claim.Job;

    public Guid RunId => Job.RunId;

    public PartyName Party => Job.Party;

    public bool IsRequester => Job.IsRequester;

    public string Role => IsRequester ? "outgoing" : "incoming";

    public RunTracker Tracker { get; }

    /// <summary>When this attempt started on this node.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Cancelled when an operator stops the run, the node shuts down, or the lease is lost.</summary>
    public CancellationToken Token { get; }

    /// <summary>The task that executes an outgoing run (<see langword="null"/> for incoming runs, which the responder drives).</summary>
    public Task? Execution { get; set; }

    public bool StoppedByOperator { get; private set; }

    public bool LeaseLost { get; private set; }

    public bool HasEnded => Volatile.Read(ref _ended) != 0;

    /// <summary>Claims the right to record how the run ended; <see langword="false"/> when it has already ended.</summary>
    public bool TryMarkEnded() => Interlocked.Exchange(ref _ended, 1) == 0;

    /// <summary>Gives up the pool slot; <see langword="true"/> only the first time.</summary>
    public bool TryReleaseSlot() => Interlocked.Exchange(ref _slotHeld, 0) == 1;

    public void Stop()
    {
        StoppedByOperator = true;
        Cancel();
    }

    public void LoseLease()
    {
        LeaseLost = true;
        Cancel();
    }

    public void Dispose() => _cancellation.Dispose();

    private void Cancel()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run already finished and released its resources.
        }
    }
}
