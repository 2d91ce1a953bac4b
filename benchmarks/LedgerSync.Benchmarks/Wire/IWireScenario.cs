namespace LedgerSync.Benchmarks.Wire;

/// <summary>
/// One way for a requester and a responder to reconcile two ID sets while every byte each side sends is
/// counted. The wire-cost report runs whichever scenario <see cref="WireCostReport"/> selects.
/// </summary>
internal interface IWireScenario
{
    /// <summary>A short name shown in the report's header.</summary>
    string Name { get; }

    /// <summary>Reconciles <see cref="WireRunInput.RequesterIds"/> with <see cref="WireRunInput.ResponderIds"/> and reports the traffic.</summary>
    WireRunResult Run(WireRunInput input);
}
