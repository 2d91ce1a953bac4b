using LedgerSync.Diagnostics;

namespace LedgerSync.Protocol;

/// <summary>
/// An admitted incoming run: holds its pool slot until disposed. <see cref="CompleteAsync"/> records how it ended;
/// disposing without completing records it as failed.
/// </summary>
internal interface IIncomingReconciliation : IAsyncDisposable
{
    /// <summary>The run's ID.</summary>
    Guid RunId { get; }

    /// <summary>Where the responder reports stages, waits, bytes and exchanges.</summary>
    RunTracker Tracker { get; }

    /// <summary>Cancelled when an operator stops the run (or the node shuts down).</summary>
    CancellationToken Stopping { get; }

    /// <summary>Records the end of the run: <see cref="ReconciliationState.DifferencesNotFound"/> for a served request, <see cref="ReconciliationState.Failed"/> with an error otherwise.</summary>
    ValueTask CompleteAsync(ReconciliationState state, string? errorMessage, CancellationToken cancellationToken);
}
