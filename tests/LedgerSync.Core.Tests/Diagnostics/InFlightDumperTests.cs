using System.IO.Compression;
using System.Text.Json;
using LedgerSync.Diagnostics;
using LedgerSync.Testing.Logging;
using Microsoft.Extensions.Logging;
using static LedgerSync.Tests.Diagnostics.DiagnosticsTestContext;

namespace LedgerSync.Tests.Diagnostics;

public sealed class InFlightDumperTests
{
    private DiagnosticsTestContext _context = null!;
    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _context = new DiagnosticsTestContext();
        _directory = Path.Combine(Path.GetTempPath(), "ledgersync-dump-tests-" + Guid.NewGuid().ToString("N"));
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Test]
    public async Task WriteAsync_RunHeldMidExchange_WritesItsWaitBytesAndStages()
    {
        var started = _context.Time.GetUtcNow();
        var run = _context.StartRunHeldMidExchange(PartyB, waitSeconds: 42);
        run.ReportSymbols(1500, 2100);
        var dumper = new InFlightDumper(_context.Registry);

        var path = await dumper.WriteToDirectoryAsync(_directory);

        Assert.That(Path.GetFileName(path), Is.EqualTo("checkpoints_dump-20260101-000048.zip"));
        using var zip = ZipFile.OpenRead(path);
        Assert.That(zip.Entries.Select(e => e.FullName), Is.EqualTo(new[] { $"ReconcileWithPartyFlow-{run.RunId}.json" }));
        using var json = await ReadJsonAsync(zip.Entries[0]);
        var root = json.RootElement;
        Assert.That(root.GetProperty("flowId").GetGuid(), Is.EqualTo(run.RunId));
        Assert.That(root.GetProperty("topLevelFlowClass").GetString(), Is.EqualTo("ReconcileWithPartyFlow"));
        Assert.That(root.GetProperty("party").GetString(), Is.EqualTo("O=PartyB, L=London, C=GB"));
        Assert.That(root.GetProperty("role").GetString(), Is.EqualTo("requester"));
        Assert.That(root.GetProperty("started").GetDateTimeOffset(), Is.EqualTo(started));
        var suspendedOn = root.GetProperty("suspendedOn");
        Assert.That(suspendedOn.GetProperty("reason").GetString(), Is.EqualTo("PeerMessage"));
        Assert.That(suspendedOn.GetProperty("description").GetString(), Is.EqualTo("a message from O=PartyB, L=London, C=GB"));
        Assert.That(suspendedOn.GetProperty("suspendedTimestamp").GetDateTimeOffset(), Is.EqualTo(started.AddSeconds(6)));
        Assert.That(suspendedOn.GetProperty("secondsSuspended").GetInt64(), Is.EqualTo(42));
        Assert.That(root.GetProperty("workingSince").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(root.GetProperty("exchanges").GetInt32(), Is.EqualTo(1));
        Assert.That(root.GetProperty("bytesSent").GetInt64(), Is.EqualTo(49200));
        Assert.That(root.GetProperty("bytesReceived").GetInt64(), Is.EqualTo(3000));
        Assert.That(root.GetProperty("codedSymbols").GetInt64(), Is.EqualTo(1500));
        Assert.That(root.GetProperty("codedSymbolsExpected").GetInt64(), Is.EqualTo(2100));
        Assert.That(
            root.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("stage").GetString()),
            Is.EqualTo(new List<string> { "created", "hello sent", "symbols 0..1500 sent" }));
        Assert.That(root.GetProperty("stages")[2].GetProperty("at").GetDateTimeOffset(), Is.EqualTo(started.AddSeconds(6)));
        Assert.That(root.GetProperty("dumpTimestamp").GetDateTimeOffset(), Is.EqualTo(started.AddSeconds(48)));
    }

    [Test]
    public async Task WriteAsync_QueuedWorkingAndEndedRuns_WritesOneFilePerInFlightRun()
    {
        var queued = _context.StartRun(PartyB, waitingOn: RunWaitReason.PoolSlot);
        var working = _context.StartRun(PartyC, ReconciliationRole.Responder);
        var ended = _context.StartRun(PartyD);
        ended.End(ReconciliationState.DifferencesNotFound);
        _context.Time.Advance(TimeSpan.FromSeconds(3));

        var path = await new InFlightDumper(_context.Registry).WriteToDirectoryAsync(_directory);

        using var zip = ZipFile.OpenRead(path);
        Assert.That(
            zip.Entries.Select(e => e.FullName),
            Is.EquivalentTo(new[] { $"ReconcileWithPartyFlow-{queued.RunId}.json", $"ReconcileWithPartyFlow-{working.RunId}.json" }));
        using var queuedJson = await ReadJsonAsync(zip.GetEntry($"ReconcileWithPartyFlow-{queued.RunId}.json")!);
        Assert.That(queuedJson.RootElement.GetProperty("suspendedOn").GetProperty("reason").GetString(), Is.EqualTo("PoolSlot"));
        Assert.That(queuedJson.RootElement.GetProperty("suspendedOn").GetProperty("secondsSuspended").GetInt64(), Is.EqualTo(3));
        using var workingJson = await ReadJsonAsync(zip.GetEntry($"ReconcileWithPartyFlow-{working.RunId}.json")!);
        Assert.That(workingJson.RootElement.GetProperty("suspendedOn").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(workingJson.RootElement.GetProperty("role").GetString(), Is.EqualTo("responder"));
        Assert.That(workingJson.RootElement.GetProperty("stages")[0].GetProperty("stage").GetString(), Is.EqualTo("admitted"));
    }

    [Test]
    public async Task WriteAsync_TwiceInTheSameSecond_KeepsBothDumps()
    {
        _context.StartRun(PartyB, waitingOn: RunWaitReason.PoolSlot);
        var dumper = new InFlightDumper(_context.Registry);

        var first = await dumper.WriteToDirectoryAsync(_directory);
        var second = await dumper.WriteToDirectoryAsync(_directory);

        Assert.That(Path.GetFileName(first), Is.EqualTo("checkpoints_dump-20260101-000000.zip"));
        Assert.That(Path.GetFileName(second), Is.EqualTo("checkpoints_dump-20260101-000000-2.zip"));
        Assert.That(File.Exists(first) && File.Exists(second), Is.True);
    }

    [Test]
    public async Task WriteAsync_NoRuns_WritesAnEmptyZipAndLogsIt()
    {
        using var factory = FakeLogs.CreateFactory(out var logs);
        var dumper = new InFlightDumper(_context.Registry, factory.CreateLogger<InFlightDumper>());

        var path = await dumper.WriteToDirectoryAsync(_directory);

        using (var zip = ZipFile.OpenRead(path))
        {
            Assert.That(zip.Entries, Is.Empty);
        }

        var entry = logs.WithEventId(LedgerSyncEventId.InFlightDumpWritten).Single();
        Assert.That(entry.Level, Is.EqualTo(LogLevel.Information));
        Assert.That(entry.Message, Does.Contain(path).And.Contain("0 reconciliations"));
    }

    [Test]
    public async Task WriteAsync_ToStream_WritesTheSameEntries()
    {
        var run = _context.StartRun(PartyB, waitingOn: RunWaitReason.ScheduledTime);
        using var buffer = new MemoryStream();

        var count = await new InFlightDumper(_context.Registry).WriteAsync(buffer);

        buffer.Position = 0;
        using var zip = new ZipArchive(buffer, ZipArchiveMode.Read);
        Assert.That(count, Is.EqualTo(1));
        Assert.That(zip.Entries.Single().FullName, Is.EqualTo(InFlightDumper.GetEntryName(run.Snapshot())));
    }

    [Test]
    public void GetFileName_NonUtcOffset_UsesUtc()
    {
        var at = new DateTimeOffset(2019, 8, 12, 17, 38, 47, TimeSpan.FromHours(2));

        Assert.That(InFlightDumper.GetFileName(at), Is.EqualTo("checkpoints_dump-20190812-153847.zip"));
    }

    private static async Task<JsonDocument> ReadJsonAsync(ZipArchiveEntry entry)
    {
        await using var stream = entry.Open();
        return await JsonDocument.ParseAsync(stream);
    }
}
