namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>The three parties of the walkthrough.</summary>
internal static class Parties
{
    /// <summary>Us: the node that loses its latest transactions and restores from a backup.</summary>
    public static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");

    /// <summary>The counterparty A reconciles with.</summary>
    public static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=London, C=GB");

    /// <summary>A third party that trades with B only; A must never learn about those transactions.</summary>
    public static readonly PartyName PartyC = PartyName.Parse("O=PartyC, L=Paris, C=FR");
}
