namespace LedgerSync.Tests.Domain;

public sealed class ReconciliationStateNamesTests
{
    [TestCase(ReconciliationState.InProgress, "IN_PROGRESS")]
    [TestCase(ReconciliationState.DifferencesFound, "DIFFERENCES_FOUND")]
    [TestCase(ReconciliationState.DifferencesNotFound, "DIFFERENCES_NOT_FOUND")]
    [TestCase(ReconciliationState.Failed, "FAILED")]
    [TestCase(ReconciliationState.Stopped, "STOPPED")]
    public void ToName_EachState_IsTheSeedString(ReconciliationState state, string name)
    {
        Assert.That(state.ToName(), Is.EqualTo(name));
        Assert.That(ReconciliationStateNames.Parse(name), Is.EqualTo(state));
    }

    [Test]
    public void All_ListsEveryStateOnceInDeclarationOrder()
    {
        Assert.That(ReconciliationStateNames.All, Is.EqualTo(Enum.GetValues<ReconciliationState>().Select(s => s.ToName())));
        Assert.That(ReconciliationStateNames.All, Is.Unique);
    }

    [TestCase(ReconciliationState.DifferencesFound, true)]
    [TestCase(ReconciliationState.DifferencesNotFound, true)]
    [TestCase(ReconciliationState.InProgress, false)]
    [TestCase(ReconciliationState.Failed, false)]
    [TestCase(ReconciliationState.Stopped, false)]
    public void IsSuccess_State_OnlyForDifferencesFoundOrNotFound(ReconciliationState state, bool success)
    {
        Assert.That(state.IsSuccess(), Is.EqualTo(success));
    }

    [TestCase("in_progress")]
    [TestCase("InProgress")]
    [TestCase("")]
    [TestCase("DONE")]
    [TestCase(" FAILED")]
    public void Parse_UnknownName_ThrowsListingTheNames(string name)
    {
        Assert.That(() => ReconciliationStateNames.Parse(name), Throws.TypeOf<FormatException>()
            .With.Message.Contains($"'{name}'").And.Message.Contains("IN_PROGRESS, DIFFERENCES_FOUND, DIFFERENCES_NOT_FOUND, FAILED, STOPPED"));
        Assert.That(ReconciliationStateNames.TryParse(name, out _), Is.False);
    }

    [Test]
    public void ToName_UndefinedValue_Throws()
    {
        Assert.That(() => ((ReconciliationState)42).ToName(), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
