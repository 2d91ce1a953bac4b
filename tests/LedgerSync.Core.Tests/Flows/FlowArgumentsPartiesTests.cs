using LedgerSync.Flows;

namespace LedgerSync.Tests.Flows;

[TestFixture]
public sealed class FlowArgumentsPartiesTests
{
    private static readonly string[] BadEntries =
    [
        "",
        "   ",
        "O=PartyB, L=London",
        "PartyB",
        "O=PartyB, L=London, C=GB, X=1",
        "O=PartyB, O=PartyC, L=London, C=GB",
        "O=PartyB; L=London; C=GB",
        "CN=Bob, L=Paris, C=FR",
        new string('O', 300),
    ];

    [Test]
    public void Parties_SeveralBadEntries_OneErrorNamesEveryBadEntryWithItsPositionAndWhy()
    {
        var values = new List<string> { "O=PartyA, L=London, C=GB", "O=PartyB, L=London", "O=PartyC, L=Paris, C=FR", "PartyD", "" };

        var error = Assert.Throws<FlowArgumentException>(() => Arguments(values).Parties("parties"))!;

        Assert.That(error.Parameter, Is.EqualTo("parties"));
        Assert.That(error.Message, Does.Contain("3 bad entries of 5"));
        Assert.That(error.Message, Does.Contain("entry 2: 'O=PartyB, L=London'").And.Contain("'C' attribute is required"));
        Assert.That(error.Message, Does.Contain("entry 4: 'PartyD'").And.Contain("not of the form KEY=VALUE"));
        Assert.That(error.Message, Does.Contain("entry 5: ''").And.Contain("it is empty"));
        Assert.That(error.Message, Does.Not.Contain("entry 1:").And.Not.Contain("entry 3:"));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(42)]
    [TestCase(2026)]
    public void Parties_RandomMixOfGoodAndBadEntries_EveryBadEntryReportedOnceOrAllParsed(int seed)
    {
        var random = new Random(seed);
        for (var round = 0; round < 200; round++)
        {
            var count = random.Next(1, 12);
            var values = new List<string>(count);
            var bad = new List<int>();
            for (var i = 0; i < count; i++)
            {
                if (random.Next(3) == 0)
                {
                    values.Add(BadEntries[random.Next(BadEntries.Length)]);
                    bad.Add(i + 1);
                }
                else
                {
                    values.Add($"O=Party{random.Next(1000)}, L=London, C=GB");
                }
            }

            if (bad.Count == 0)
            {
                var parties = Arguments(values).Parties("parties");
                Assert.That(parties.Select(p => p.ToString()), Is.EqualTo(values.Select(v => PartyName.Parse(v).ToString())), $"seed {seed} round {round}");
                continue;
            }

            var error = Assert.Throws<FlowArgumentException>(() => Arguments(values).Parties("parties"), $"seed {seed} round {round}")!;
            Assert.That(error.Message, Does.Contain(bad.Count == 1 ? "1 bad entry of " + count : $"{bad.Count} bad entries of {count}"), $"seed {seed} round {round}");
            for (var position = 1; position <= count; position++)
            {
                var marker = $"entry {position}: ";
                var occurrences = CountOf(error.Message, marker);
                Assert.That(occurrences, Is.EqualTo(bad.Contains(position) ? 1 : 0), $"seed {seed} round {round}: {marker} in {error.Message}");
                if (bad.Contains(position))
                {
                    Assert.That(PartyName.TryParse(values[position - 1], out _, out var why), Is.False);
                    Assert.That(error.Message, Does.Contain(marker + why!.TrimEnd('.')), $"seed {seed} round {round}");
                }
            }
        }
    }

    private static FlowArguments Arguments(IReadOnlyList<string> parties) =>
        new("ScheduleReconciliationFlow", new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase) { ["parties"] = parties });

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
