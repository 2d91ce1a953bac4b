using LedgerSync.Flows;

namespace LedgerSync.Tests.Flows;

[TestFixture]
public sealed class FlowCommandTests
{
    [Test]
    public void Parse_ScheduleWithList_ReadsQuotedParties()
    {
        var command = FlowCommand.Parse("flow start ScheduleReconciliationFlow parties: [\"O=PartyA, L=London, C=GB\", \"O=PartyB, L=Ottawa, C=CA\"]");

        Assert.That(command.FlowName, Is.EqualTo("ScheduleReconciliationFlow"));
        Assert.That(command.Arguments["parties"], Is.EqualTo(new List<string> { "O=PartyA, L=London, C=GB", "O=PartyB, L=Ottawa, C=CA" }));
    }

    [Test]
    public void Parse_BareWordsAndQuotedValues_ReadsEachArgument()
    {
        var command = FlowCommand.Parse("GetReconciliationStatusesFlow party: \"O=PartyA, L=London, C=GB\", lastReconciliationStatus: IN_PROGRESS, isRequester: true");

        Assert.That(command.Arguments, Has.Count.EqualTo(3));
        Assert.That(command.Arguments["party"], Is.EqualTo(new List<string> { "O=PartyA, L=London, C=GB" }));
        Assert.That(command.Arguments["lastReconciliationStatus"], Is.EqualTo(new List<string> { "IN_PROGRESS" }));
        Assert.That(command.Arguments["isRequester"], Is.EqualTo(new List<string> { "true" }));
    }

    [Test]
    public void Parse_NoArguments_ReadsName()
    {
        var command = FlowCommand.Parse("  RefreshReconciliationStatusesFlow  ");

        Assert.That(command.FlowName, Is.EqualTo("RefreshReconciliationStatusesFlow"));
        Assert.That(command.Arguments, Is.Empty);
    }

    [Test]
    public void Parse_EscapedQuote_Unescapes()
    {
        var command = FlowCommand.Parse("X note: \"say \\\"hi\\\" \\\\ bye\"");

        Assert.That(command.Arguments["note"], Is.EqualTo(new List<string> { "say \"hi\" \\ bye" }));
    }

    [TestCase("StopReconciliationForPartyFlow party: O=PartyB, L=London, C=GB", "double quotes")]
    [TestCase("StopReconciliationForPartyFlow party: \"O=PartyB, L=London, C=GB", "not closed")]
    [TestCase("ScheduleReconciliationFlow parties: [\"O=PartyB, L=London, C=GB\"", "',' or ']'")]
    [TestCase("GetReconciliationStatusesFlow isRequester: \"true\" x: 1", "','")]
    [TestCase("GetReconciliationStatusesFlow isRequester:", "no value")]
    [TestCase("GetReconciliationStatusesFlow isRequester: true, isRequester: false", "more than once")]
    [TestCase("", "flow name")]
    public void Parse_Malformed_ThrowsSayingWhat(string text, string expected)
    {
        Assert.That(() => FlowCommand.Parse(text), Throws.TypeOf<FlowArgumentException>().With.Message.Contains(expected));
    }
}
