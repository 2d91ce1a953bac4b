using Microsoft.Extensions.Configuration;
using static LedgerSync.Tests.Configuration.LedgerSyncOptionsTestData;

namespace LedgerSync.Tests.Configuration;

public sealed class LedgerSyncConfFileTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "ledgersync-conf-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Parse_SeedExample_ReadsEveryLine()
    {
        const string text = """
            maxNumberOfIbfFilterFlows = 5
            maxNumberOfParallelReconciliationRequests = 3
            maxReconciliationRetryAttemptTimeout = 1h
            timeWindowForReconciliationRequestLimit = 1h
            maxAllowedReconciliationRequestsPerTimeWindow = 1000
            """;

        var values = LedgerSyncConfFile.Parse(new StringReader(text));

        Assert.That(values, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["maxNumberOfIbfFilterFlows"] = "5",
            ["maxNumberOfParallelReconciliationRequests"] = "3",
            ["maxReconciliationRetryAttemptTimeout"] = "1h",
            ["timeWindowForReconciliationRequestLimit"] = "1h",
            ["maxAllowedReconciliationRequestsPerTimeWindow"] = "1000",
        }));
    }

    [Test]
    public void Parse_CommentsBlankLinesQuotesAndCase_AreHandled()
    {
        const string text = "# LedgerSync\n\n   \n  # indented comment\nMAXNUMBEROFIBFFILTERFLOWS=7   # rounds\n"
            + "localParty = \"O=PartyA, L=London, C=GB\"  # me\r\nsessionTimeout=   1H 30M   \n";

        var values = LedgerSyncConfFile.Parse(new StringReader(text));

        Assert.That(values, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["maxNumberOfIbfFilterFlows"] = "7",
            ["localParty"] = "O=PartyA, L=London, C=GB",
            ["sessionTimeout"] = "1H 30M",
        }));
    }

    [Test]
    public void Parse_Empty_ReturnsNothing()
    {
        Assert.That(LedgerSyncConfFile.Parse(new StringReader(string.Empty)), Is.Empty);
    }

    [Test]
    public void Parse_UnknownKey_ThrowsNamingLineAndKey()
    {
        const string text = "# comment\nmaxNumberOfIbfFilterFlows = 5\n\nmaxNumberOfIbfFilterFlow = 5\n";

        Assert.That(() => LedgerSyncConfFile.Parse(new StringReader(text), "ledger-sync.conf"),
            Throws.TypeOf<LedgerSyncConfigurationException>()
                .With.Property(nameof(LedgerSyncConfigurationException.LineNumber)).EqualTo(4)
                .And.Property(nameof(LedgerSyncConfigurationException.Key)).EqualTo("maxNumberOfIbfFilterFlow")
                .And.Message.StartsWith("ledger-sync.conf, line 4: unknown key 'maxNumberOfIbfFilterFlow'; known keys: maxNumberOfIbfFilterFlows, "));
    }

    [TestCase("maxNumberOfIbfFilterFlows 5", "is not of the form 'key = value'")]
    [TestCase("maxNumberOfIbfFilterFlows: 5", "is not of the form 'key = value'")]
    [TestCase("= 5", "is not of the form 'key = value'")]
    [TestCase("max flows = 5", "is not of the form 'key = value'")]
    [TestCase("maxNumberOfIbfFilterFlows =", "the value of 'maxNumberOfIbfFilterFlows' is empty")]
    [TestCase("maxNumberOfIbfFilterFlows = # none", "the value of 'maxNumberOfIbfFilterFlows' is empty")]
    [TestCase("localParty = \"O=PartyA, L=London, C=GB", "has no closing quote")]
    [TestCase("localParty = \"O=PartyA, L=London, C=GB\" extra", "has 'extra' after the closing quote")]
    public void Parse_MalformedLine_ThrowsNamingTheLine(string line, string expected)
    {
        var text = "maxNumberOfIbfFilterFlows = 5\n" + line + "\n";
        var expectedKey = line.StartsWith("localParty", StringComparison.Ordinal) ? "localParty" : null;
        if (line.StartsWith("maxNumberOfIbfFilterFlows =", StringComparison.Ordinal))
        {
            text = line + "\nmaxNumberOfParallelReconciliationRequests = 3\n";
            text = "\n" + text; // keep the bad line on line 2
            expectedKey = "maxNumberOfIbfFilterFlows";
        }

        Assert.That(() => LedgerSyncConfFile.Parse(new StringReader(text), "node.conf"),
            Throws.TypeOf<LedgerSyncConfigurationException>()
                .With.Property(nameof(LedgerSyncConfigurationException.LineNumber)).EqualTo(2)
                .And.Property(nameof(LedgerSyncConfigurationException.Key)).EqualTo(expectedKey)
                .And.Message.StartsWith("node.conf, line 2: ")
                .And.Message.Contains(expected));
    }

    [Test]
    public void Parse_DuplicateKey_ThrowsNamingBothLines()
    {
        const string text = "maxNumberOfIbfFilterFlows = 5\nsessionTimeout = 1M\nMaxNumberOfIbfFilterFlows = 6\n";

        Assert.That(() => LedgerSyncConfFile.Parse(new StringReader(text)),
            Throws.TypeOf<LedgerSyncConfigurationException>()
                .With.Property(nameof(LedgerSyncConfigurationException.LineNumber)).EqualTo(3)
                .And.Message.EqualTo("configuration, line 3: 'maxNumberOfIbfFilterFlows' is already set on line 1."));
    }

    [Test]
    public void AddLedgerSyncConfFile_ValidFile_BindsOptions()
    {
        var path = Write("ledger-sync-1.0.conf", """
            # node A
            maxNumberOfIbfFilterFlows = 9
            maxReconciliationRetryAttemptTimeout = 5H3M2S
            localParty = "C=GB, L=London, O=PartyA"
            maxMessageSize = 65536
            """);
        var configuration = new ConfigurationBuilder().AddLedgerSyncConfFile(path).Build();

        var options = Resolve(configuration);

        Assert.That(options.MaxNumberOfIbfFilterFlows, Is.EqualTo(9));
        Assert.That(options.MaxReconciliationRetryAttemptTimeout, Is.EqualTo(new TimeSpan(5, 3, 2)));
        Assert.That(options.LocalParty, Is.EqualTo(PartyName.Parse(LocalParty)));
        Assert.That(options.MaxMessageSize, Is.EqualTo(65536));
        Assert.That(configuration["LedgerSync:maxNumberOfIbfFilterFlows"], Is.EqualTo("9"));
    }

    [Test]
    public void AddLedgerSyncConfFile_BadValues_ReportedAtValidationWithKeys()
    {
        var path = Write("bad.conf", "localParty = O=PartyA, L=London, C=GB\nmaxNumberOfIbfFilterFlows = 0\nsessionTimeout = 1D\n");
        var configuration = new ConfigurationBuilder().AddLedgerSyncConfFile(path).Build();

        var failures = FailuresOf(() => Resolve(configuration));

        Assert.That(failures, Has.Count.EqualTo(2));
        Assert.That(failures, Has.One.StartsWith("maxNumberOfIbfFilterFlows = 0 is out of range"));
        Assert.That(failures, Has.One.StartsWith("sessionTimeout = '1D' is not a duration"));
    }

    [Test]
    public void AddLedgerSyncConfFile_UnknownKey_BuildThrowsWithFileAndLine()
    {
        var path = Write("typo.conf", "\n\nmaxNumberOfIbfFilterFlowz = 5\n");

        Assert.That(() => new ConfigurationBuilder().AddLedgerSyncConfFile(path).Build(),
            Throws.TypeOf<LedgerSyncConfigurationException>()
                .With.Property(nameof(LedgerSyncConfigurationException.LineNumber)).EqualTo(3)
                .And.Message.StartsWith($"{path}, line 3: unknown key 'maxNumberOfIbfFilterFlowz'"));
    }

    [Test]
    public void AddLedgerSyncConfFile_MissingFile_ThrowsUnlessOptional()
    {
        var path = Path.Combine(_directory, "absent.conf");

        Assert.That(() => new ConfigurationBuilder().AddLedgerSyncConfFile(path).Build(), Throws.TypeOf<FileNotFoundException>());
        Assert.That(new ConfigurationBuilder().AddLedgerSyncConfFile(path, optional: true).Build().GetSection("LedgerSync").GetChildren(), Is.Empty);
    }

    [Test]
    public void Read_File_ReadsKeysAndValues()
    {
        var path = Write("read.conf", "transactionReaderPageSize = 500\n");

        Assert.That(LedgerSyncConfFile.Read(path), Is.EquivalentTo(new Dictionary<string, string> { ["transactionReaderPageSize"] = "500" }));
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
