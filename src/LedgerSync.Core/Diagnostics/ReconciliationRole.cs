namespace LedgerSync.Diagnostics;

/// <summary>Which side of a reconciliation this node plays.</summary>
public enum ReconciliationRole
{
    /// <summary>This node asked (and learns the result).</summary>
    Requester,

    /// <summary>This node answered.</summary>
    Responder,
}
