namespace LedgerSync.Tests.Errors;

[TestFixture]
public sealed class LedgerSyncConfigurationExceptionTests
{
    [Test]
    public void Constructor_MessageOnly_HasOneErrorWithoutKeyOrLine()
    {
        var e = new LedgerSyncConfigurationException("LocalParty is not set.");

        Assert.That(e.Message, Is.EqualTo("LocalParty is not set."));
        Assert.That(e.Key, Is.Null);
        Assert.That(e.LineNumber, Is.Null);
        Assert.That(e.Errors, Is.EqualTo(new[] { new LedgerSyncConfigurationError("LocalParty is not set.") }));
    }

    [Test]
    public void Constructor_MessageKeyAndLine_CarriesThemInTheExceptionAndItsOneError()
    {
        var withKey = new LedgerSyncConfigurationException("bad value", "LedgerSync:LocalParty");
        var withLine = new LedgerSyncConfigurationException("node.conf, line 4: bad value", "maxNumberOfIbfFilterFlows", 4);

        Assert.That(withKey.Key, Is.EqualTo("LedgerSync:LocalParty"));
        Assert.That(withKey.LineNumber, Is.Null);
        Assert.That(withKey.Errors, Is.EqualTo(new[] { new LedgerSyncConfigurationError("bad value", "LedgerSync:LocalParty") }));
        Assert.That(withLine.Key, Is.EqualTo("maxNumberOfIbfFilterFlows"));
        Assert.That(withLine.LineNumber, Is.EqualTo(4));
        Assert.That(withLine.Errors.Single().LineNumber, Is.EqualTo(4));
    }

    [Test]
    public void Constructor_SeveralErrors_ListsThemAllUnderTheSourceNameOrAGenericOne()
    {
        LedgerSyncConfigurationError[] errors = [new("first problem", "a", 2), new("second problem", "b", 7)];

        var named = new LedgerSyncConfigurationException(errors, "node.conf");
        var unnamed = new LedgerSyncConfigurationException(errors);

        Assert.That(named.Message, Does.StartWith("node.conf has 2 errors:").And.Contain("  first problem").And.Contain("  second problem"));
        Assert.That(unnamed.Message, Does.StartWith("The configuration has 2 errors:"));
        Assert.That(named.Errors, Is.EqualTo(errors));
        Assert.That(named.Key, Is.EqualTo("a"));
        Assert.That(named.LineNumber, Is.EqualTo(2));
    }

    [Test]
    public void Constructor_OneErrorInAList_UsesItsMessageAsIs()
    {
        var e = new LedgerSyncConfigurationException([new LedgerSyncConfigurationError("only problem", "k")], "node.conf");

        Assert.That(e.Message, Is.EqualTo("only problem"));
        Assert.That(e.Key, Is.EqualTo("k"));
    }

    [Test]
    public void Constructor_NoErrors_ThrowsArgumentException()
    {
        Assert.That(() => new LedgerSyncConfigurationException([]), Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("errors"));
        Assert.That(() => new LedgerSyncConfigurationException((IReadOnlyList<LedgerSyncConfigurationError>)null!, "x"), Throws.ArgumentNullException);
    }
}
