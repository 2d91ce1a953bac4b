namespace LedgerSync.Tests.Domain;

public sealed class ReconciliationStatusTests
{
    private static readonly PartyName PartyB = PartyName.Parse("O=PartyB, L=London, C=GB");
    private static readonly Guid RunId = Guid.Parse("c243222b-1940-45df-8828-a8496196d274");

    private static readonly TransactionId[] Found =
    [
        TransactionId.Parse("0B81D5CB3FC8B88669C57281B028D8656F030C6D105FDE4BD34D9051DDB6629B"),
        TransactionId.Parse("0F4BB8AB994F5860933F402276ED288518592413F56550DB3F79056C8364498D"),
    ];

    [Test]
    public void ToString_InProgress_MatchesSeedOneLineLayout()
    {
        var status = InProgress();

        Assert.That(status.ToString(), Is.EqualTo(
            "ReconciliationStatus(partyName=\"O=PartyB, L=London, C=GB\", isRequester=true, "
            + "stateMachineRunId=\"c243222b-1940-45df-8828-a8496196d274\", "
            + "lastSuccessfulReconciliationTimeStarted=null, lastSuccessfulReconciliationTimeFinished=null, "
            + "lastSuccessfulReconciliationStatus=null, lastSuccessfulReconciliationResult=[], "
            + "lastReconciliationTimeStarted=1582894011489, lastReconciliationTimeFinished=null, "
            + "lastReconciliationStatus=IN_PROGRESS, lastReconciliationError=\"\")"));
    }

    [Test]
    public void ToIndentedString_InProgress_MatchesSeedExample()
    {
        // The seed's example, with the comma its re-formatting dropped after stateMachineRunId restored.
        const string expected = """
            ReconciliationStatus(
                partyName="O=PartyB, L=London, C=GB",
                isRequester=true,
                stateMachineRunId="c243222b-1940-45df-8828-a8496196d274",
                lastSuccessfulReconciliationTimeStarted=null,
                lastSuccessfulReconciliationTimeFinished=null,
                lastSuccessfulReconciliationStatus=null,
                lastSuccessfulReconciliationResult=[

                ],
                lastReconciliationTimeStarted=1582894011489,
                lastReconciliationTimeFinished=null,
                lastReconciliationStatus=IN_PROGRESS,
                lastReconciliationError=""
            )
            """;

        Assert.That(InProgress().ToIndentedString(), Is.EqualTo(expected.ReplaceLineEndings("\n")));
    }

    [Test]
    public void ToIndentedString_DifferencesFound_MatchesSeedExample()
    {
        var status = new ReconciliationStatus
        {
            PartyName = PartyB,
            IsRequester = true,
            StateMachineRunId = RunId,
            LastSuccessfulReconciliationTimeStarted = DateTimeOffset.FromUnixTimeMilliseconds(1582893847919),
            LastSuccessfulReconciliationTimeFinished = DateTimeOffset.FromUnixTimeMilliseconds(1582893848879),
            LastSuccessfulReconciliationStatus = ReconciliationState.DifferencesFound,
            LastSuccessfulReconciliationResult = Found,
            LastReconciliationTimeStarted = DateTimeOffset.FromUnixTimeMilliseconds(1582893847919),
            LastReconciliationTimeFinished = DateTimeOffset.FromUnixTimeMilliseconds(1582893848879),
            LastReconciliationStatus = ReconciliationState.DifferencesFound,
        };
        const string expected = """
            ReconciliationStatus(
                partyName="O=PartyB, L=London, C=GB",
                isRequester=true,
                stateMachineRunId="c243222b-1940-45df-8828-a8496196d274",
                lastSuccessfulReconciliationTimeStarted=1582893847919,
                lastSuccessfulReconciliationTimeFinished=1582893848879,
                lastSuccessfulReconciliationStatus=DIFFERENCES_FOUND,
                lastSuccessfulReconciliationResult=[
                    0B81D5CB3FC8B88669C57281B028D8656F030C6D105FDE4BD34D9051DDB6629B,
                    0F4BB8AB994F5860933F402276ED288518592413F56550DB3F79056C8364498D
                ],
                lastReconciliationTimeStarted=1582893847919,
                lastReconciliationTimeFinished=1582893848879,
                lastReconciliationStatus=DIFFERENCES_FOUND,
                lastReconciliationError=""
            )
            """;

        Assert.That(status.ToIndentedString(), Is.EqualTo(expected.ReplaceLineEndings("\n")));
        Assert.That(status.ToString(), Does.Contain(
            "lastSuccessfulReconciliationResult=[0B81D5CB3FC8B88669C57281B028D8656F030C6D105FDE4BD34D9051DDB6629B, 0F4BB8AB994F5860933F402276ED288518592413F56550DB3F79056C8364498D]"));
    }

    [Test]
    public void ToString_FailedResponderWithoutRunId_PrintsErrorAndNulls()
    {
        var status = new ReconciliationStatus
        {
            PartyName = PartyB,
            IsRequester = false,
            LastReconciliationTimeStarted = DateTimeOffset.FromUnixTimeMilliseconds(1000),
            LastReconciliationTimeFinished = DateTimeOffset.FromUnixTimeMilliseconds(2000),
            LastReconciliationStatus = ReconciliationState.Failed,
            LastReconciliationError = "peer timed out",
        };

        Assert.That(status.ToString(), Does.Contain("isRequester=false, stateMachineRunId=null, "));
        Assert.That(status.ToString(), Does.EndWith("lastReconciliationTimeStarted=1000, lastReconciliationTimeFinished=2000, lastReconciliationStatus=FAILED, lastReconciliationError=\"peer timed out\")"));
    }

    [Test]
    public void Equals_SameContentInDifferentListInstances_AreEqual()
    {
        var a = InProgress() with { LastSuccessfulReconciliationResult = [.. Found] };
        var b = InProgress() with { LastSuccessfulReconciliationResult = Found.ToList() };

        Assert.That(a, Is.EqualTo(b));
        Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
        Assert.That(a == b, Is.True);
    }

    [Test]
    public void Equals_DifferentResultOrError_NotEqual()
    {
        var a = InProgress() with { LastSuccessfulReconciliationResult = Found };

        Assert.That(a, Is.Not.EqualTo(a with { LastSuccessfulReconciliationResult = [Found[0]] }));
        Assert.That(a, Is.Not.EqualTo(a with { LastReconciliationError = "x" }));
        Assert.That(a, Is.Not.EqualTo(a with { IsRequester = false }));
        Assert.That(a, Is.Not.EqualTo(null));
    }

    private static ReconciliationStatus InProgress() => new()
    {
        PartyName = PartyB,
        IsRequester = true,
        StateMachineRunId = RunId,
        LastReconciliationTimeStarted = DateTimeOffset.FromUnixTimeMilliseconds(1582894011489),
        LastReconciliationStatus = ReconciliationState.InProgress,
    };
}
