namespace LedgerSync.Tests.Support;

internal static class TestParties
{
    public static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");
    public static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=New York, C=US");
    public static readonly PartyName PartyC = PartyName.Parse("O=PartyC, L=Paris, C=FR");
}
