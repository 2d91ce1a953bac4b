using System.IO.Compression;
using LedgerSync.Diagnostics;
using LedgerSync.Flows;
using LedgerSync.Testing.Scheduling;

namespace LedgerSync.Tests.Flows;

public sealed class DumpInFlightReconciliationsFlowTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Path.Combine(Path.GetTempPath(), "ledgersync-dump-flow-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Test]
    public async Task StartFlowAsync_DumpFlowWithTimedJobQueued_WritesZipWithTheQueuedRun()
    {
        await using var host = new SchedulerTestHost();
        var flows = new ReconciliationFlows(host.Scheduler, host.StatusStore, host.Graph, new InFlightDumper(host.Registry));
        await flows.ScheduleReconciliationAsync([TestParties.B], host.Time.GetUtcNow().AddHours(1));

        var result = await flows.StartFlowAsync($"flow start DumpInFlightReconciliationsFlow directory: \"{_directory}\"");

        Assert.That(result, Is.TypeOf<DumpInFlightReconciliationsFlowResult>());
        var path = ((DumpInFlightReconciliationsFlowResult)result).FilePath;
        Assert.That(result.ToString(), Is.EqualTo("Flow completed with result: " + path));
        Assert.That(Path.GetFileName(path), Does.Match(@"^checkpoints_dump-\d{8}-\d{6}\.zip$"));
        using var zip = ZipFile.OpenRead(path);
        Assert.That(zip.Entries.Select(e => e.Name), Has.Exactly(1).StartsWith(FlowNames.ReconcileWithParty + "-").And.EndsWith(".json"));
    }

    [Test]
    public void StartFlowAsync_DumpFlowWithUnknownParameter_ThrowsNamingTheParameter()
    {
        var host = new SchedulerTestHost();
        var flows = new ReconciliationFlows(host.Scheduler, host.StatusStore, host.Graph, new InFlightDumper(host.Registry));

        Assert.That(
            async () => await flows.StartFlowAsync("DumpInFlightReconciliationsFlow party: \"O=PartyB, L=London, C=GB\""),
            Throws.TypeOf<FlowArgumentException>().With.Property(nameof(FlowArgumentException.Parameter)).EqualTo("party"));
    }

    [Test]
    public void DumpInFlightReconciliationsAsync_NoDumper_ThrowsInvalidOperation()
    {
        var host = new SchedulerTestHost();

        Assert.That(async () => await host.Flows.DumpInFlightReconciliationsAsync(_directory), Throws.InvalidOperationException);
    }
}
