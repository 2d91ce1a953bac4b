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
    public void AddLedgerSyncConfFile_BadValues_BuildThrowsNamingEachKeyAndLine()
    {
        var path = Write("bad.conf", "localParty = O=PartyA, L=London, C=GB\nmaxNumberOfIbfFilterFlows = 0\nsessionTimeout = 1D\n");

        Assert.That(() => new ConfigurationBuilder().AddLedgerSyncConfFile(path).Build(),
            Throws.TypeOf<LedgerSyncConfigurationException>()
                .With.Property(nameof(LedgerSyncConfigurationException.Errors)).EquivalentTo(new[]
                {
                    new LedgerSyncConfigurationError($"{path}, line 2: maxNumberOfIbfFilterFlows = 0 is out of range; accepted: 1 to 15.", "maxNumberOfIbfFilterFlows", 2),
                    new LedgerSyncConfigurationError($"{path}, line 3: sessionTimeout = '1D' is not a duration (such as 1H, 30M, 5H3M2S or hh:mm:ss); accepted: 1S to 24H.", "sessionTimeout", 3),
                }));
    }

    [Test]
    public void AddLedgerSyncConfFile_SixBadLines_ReportsAllSixInOneException()
    {
        // Regression: a file with 6 bad lines took 5 starts to see them all, one line per start.
        var path = Write("six-bad.conf", """
            # node A
            maxNumberOfIbfFilterFlows = 20
            maxNumberOfParallelReconciliationRequests = three
            this line has no equals sign
            maxReconciliationRetryAttemptTimeout = 1D
            localParty = "O=PartyA, L=London, C=GB
            sessionTimeout = 1M
            sessionTimeOut = 2M
            transactionReaderPageSize = 500
            """);

        var exception = Assert.Throws<LedgerSyncConfigurationException>(() => new ConfigurationBuilder().AddLedgerSyncConfFile(path).Build());

        Assert.That(exception.Errors.Select(e => (e.LineNumber, e.Key)), Is.EqualTo(new (int?, string?)[]
        {
            (2, "maxNumberOfIbfFilterFlows"),
            (3, "maxNumberOfParallelReconciliationRequests"),
            (4, null),
            (5, "maxReconciliationRetryAttemptTimeout"),
            (6, "localParty"),
            (8, "sessionTimeout"),
        }));
        Assert.That(exception.Message, Does.StartWith($"{path} has 6 errors:"));
        Assert.That(exception.Message.Split('\n'), Has.Length.EqualTo(7));
        Assert.That(exception.Errors.Select(e => e.Message), Has.All.StartWith($"{path}, line "));
        Assert.That(exception.Errors[0].Message, Does.EndWith("maxNumberOfIbfFilterFlows = 20 is out of range; accepted: 1 to 15."));
        Assert.That(exception.Errors[5].Message, Does.EndWith("'sessionTimeout' is already set on line 7."));
        Assert.That((exception.LineNumber, exception.Key), Is.EqualTo(((int?)2, "maxNumberOfIbfFilterFlows")), "the first error's");
    }

    [Test]
    public void Parse_RetryMaxDelayBelowInitialDelayBothInFile_ReportsTheRuleOnTheMaxDelayLine()
    {
        const string text = "retryInitialDelay = 10S\nretryMaxDelay = 5S\n";

        Assert.That(() => LedgerSyncConfFile.Parse(new StringReader(text), "node.conf"),
            Throws.TypeOf<LedgerSyncConfigurationException>()
                .With.Property(nameof(LedgerSyncConfigurationException.LineNumber)).EqualTo(2)
                .And.Message.StartsWith("node.conf, line 2: retryMaxDelay = 5S is less than retryInitialDelay = 10S"));
    }

    [Test]
    public void Parse_RuleInvolvingAKeyNotInTheFile_IsLeftToStartUpValidation()
    {
        // Above the default retryMaxDelay (5M), but retryMaxDelay may come from another configuration source; only
        // start-up validation sees the final value.
        var values = LedgerSyncConfFile.Parse(new StringReader("retryInitialDelay = 10M\n"));

        Assert.That(values, Is.EquivalentTo(new Dictionary<string, string> { ["retryInitialDelay"] = "10M" }));
    }

    [Test]
    public void Parse_ManyRandomFiles_ReportEveryBadLineOnce()
    {
        var random = new Random(20260301);
        string[] good = ["maxNumberOfIbfFilterFlows = 7", "sessionTimeout = 30S", "transactionReaderPageSize = 500", "localParty = \"O=PartyA, L=London, C=GB\""];
        string[] bad = ["maxNumberOfIbfFilterFlows = 99", "sessionTimeout = forever", "no equals here", "unknownKey = 1", "transactionReaderPoolSize = 1", "maxMessageSize = -5", "runLeaseDuration ="];
        for (var round = 0; round < 200; round++)
        {
            var lines = new List<string>();
            var expectedBad = new List<int>();
            var usedKeys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var count = random.Next(1, 15);
            for (var i = 0; i < count; i++)
            {
                var candidate = random.Next(3) == 0 ? good[random.Next(good.Length)] : bad[random.Next(bad.Length)];
                var key = candidate.Split('=')[0].Trim();
                if (candidate.Contains('=', StringComparison.Ordinal) && !usedKeys.Add(key))
                {
                    continue;
                }

                lines.Add(random.Next(4) == 0 ? "# comment" : string.Empty);
                lines.Add(candidate);
                if (bad.Contains(candidate))
                {
                    expectedBad.Add(lines.Count);
                }
            }

            var text = string.Join('\n', lines);
            if (expectedBad.Count == 0)
            {
                Assert.That(() => LedgerSyncConfFile.Parse(new StringReader(text)), Throws.Nothing, text);
                continue;
            }

            var exception = Assert.Throws<LedgerSyncConfigurationException>(() => LedgerSyncConfFile.Parse(new StringReader(text)));
            Assert.That(exception.Errors.Select(e => e.LineNumber), Is.EqualTo(expectedBad.Cast<int?>()), text);
        }
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
