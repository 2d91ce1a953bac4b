namespace LedgerSync;

/// <summary>
/// The state of a reconciliation run. Stored and printed as the seed's strings
/// (<c>IN_PROGRESS</c>, <c>DIFFERENCES_FOUND</c>, <c>DIFFERENCES_NOT_FOUND</c>, <c>FAILED</c>, <c>STOPPED</c>);
/// see <see cref="ReconciliationStateNames"/>.
/// </summary>
public enum ReconciliationState
{
    /// <summary><c>IN_PROGRESS</c>: the run has started and has not ended.</summary>
    InProgress,

    /// <summary><c>DIFFERENCES_FOUND</c>: the counterparty has relevant transactions this node lacks.</summary>
    DifferencesFound,

    /// <summary><c>DIFFERENCES_NOT_FOUND</c>: this node lacks none of the counterparty's relevant transactions.</summary>
    DifferencesNotFound,

    /// <summary><c>FAILED</c>: the run ended with an error (always recorded with an error text).</summary>
    Failed,

    /// <summary><c>STOPPED</c>: an operator stopped the run.</summary>
    Stopped,
}
