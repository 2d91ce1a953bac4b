using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LedgerSync.Diagnostics;

/// <summary>
/// The in-flight dump, LedgerSync's counterpart of the reference platform's checkpoint dumper: on demand, a zip
/// <c>checkpoints_dump-&lt;yyyyMMdd-HHmmss&gt;.zip</c> (UTC) holding one JSON file <c>&lt;FlowName&gt;-&lt;runId&gt;.json</c>
/// per queued or running reconciliation (both roles) with what it waits on and since when, its exchanges, bytes and
/// stage history. Use it to see why a reconciliation does not finish; stop one with
/// <c>StopReconciliationForPartyFlow</c>.
/// </summary>
public sealed partial class InFlightDumper
{
    /// <summary>The start of every dump's file name.</summary>
    public const string FileNamePrefix = "checkpoints_dump-";

    private readonly ReconciliationRunRegistry _registry;
    private readonly ILogger _logger;

    /// <summary>Creates a dumper of <paramref name="registry"/>'s runs (time comes from the registry's time provider).</summary>
    internal InFlightDumper(ReconciliationRunRegistry registry, ILogger<InFlightDumper>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The dump's file name for a dump taken at <paramref name="at"/>: <c>checkpoints_dump-20260101-093000.zip</c> (UTC).</summary>
    public static string GetFileName(DateTimeOffset at) =>
        FileNamePrefix + at.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + ".zip";

    /// <summary>The name of a run's file inside the zip: <c>ReconcileWithPartyFlow-&lt;runId&gt;.json</c>.</summary>
    public static string GetEntryName(RunSnapshot run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return $"{run.FlowName}-{run.RunId}.json";
    }

    /// <summary>
    /// Writes a dump into <paramref name="directory"/> (created if missing) and returns the zip's full path. A second
    /// dump in the same second gets a <c>-2</c>, <c>-3</c>, ... suffix rather than overwriting the first.
    /// </summary>
    /// <param name="directory">Where to write, typically the node's <c>logs</c> directory.</param>
    /// <param name="cancellationToken">Cancels writing; a partial file is deleted.</param>
    public async Task<string> WriteToDirectoryAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var now = _registry.TimeProvider.GetUtcNow();
        var runs = _registry.Snapshot();
        Directory.CreateDirectory(directory);

        var baseName = GetFileName(now);
        for (var attempt = 1; ; attempt++)
        {
            var name = attempt == 1 ? baseName : $"{Path.GetFileNameWithoutExtension(baseName)}-{attempt}.zip";
            var path = Path.GetFullPath(Path.Combine(directory, name));
            FileStream file;
            try
            {
                file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, useAsync: true);
            }
            catch (IOException) when (File.Exists(path))
            {
                continue;
            }

            try
            {
                await using (file.ConfigureAwait(false))
                {
                    await WriteZipAsync(file, runs, now, cancellationToken).ConfigureAwait(false);
                }
            }
            catch
            {
                File.Delete(path);
                throw;
            }

            Log.DumpWritten(_logger, path, runs.Count);
            return path;
        }
    }

    /// <summary>Writes a dump as a zip to <paramref name="destination"/> (left open), for example an HTTP response; returns the number of runs written.</summary>
    public async Task<int> WriteAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var now = _registry.TimeProvider.GetUtcNow();
        var runs = _registry.Snapshot();
        await WriteZipAsync(destination, runs, now, cancellationToken).ConfigureAwait(false);
        return runs.Count;
    }

    internal static InFlightRunDocument ToDocument(RunSnapshot run, DateTimeOffset now)
    {
        var waiting = run.WaitingOn != RunWaitReason.None;
        return new InFlightRunDocument
        {
            FlowId = run.RunId,
            TopLevelFlowClass = run.FlowName,
            Party = run.Party.ToString(),
            Role = run.Role.ToTagValue(),
            Started = run.Started.ToUniversalTime(),
            SuspendedOn = waiting
                ? new InFlightRunDocument.SuspendedOnDocument(
                    run.WaitingOn.ToString(),
                    Describe(run),
                    run.WaitingSince.ToUniversalTime(),
                    (long)Math.Max(0, (now - run.WaitingSince).TotalSeconds))
                : null,
            WorkingSince = waiting ? null : run.WaitingSince.ToUniversalTime(),
            Exchanges = run.Exchanges,
            BytesSent = run.BytesSent,
            BytesReceived = run.BytesReceived,
            CodedSymbols = run.CodedSymbols,
            CodedSymbolsExpected = run.CodedSymbolsExpected,
            Stages = [.. run.Stages.Select(s => new InFlightRunDocument.StageDocument(s.Stage, s.At.ToUniversalTime()))],
            DumpTimestamp = now.ToUniversalTime(),
        };
    }

    private static string Describe(RunSnapshot run) => run.WaitingOn switch
    {
        RunWaitReason.PoolSlot => "a free slot in the execution pool",
        RunWaitReason.PeerMessage => $"a message from {run.Party}",
        RunWaitReason.RetryBackoff => $"the back-off before asking {run.Party} again",
        RunWaitReason.ScheduledTime => "its scheduled start time",
        RunWaitReason.Connecting => $"connecting to {run.Party}",
        _ => run.WaitingOn.ToString(),
    };

    private static async Task WriteZipAsync(Stream destination, IReadOnlyList<RunSnapshot> runs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var archive = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true);
        await using (archive.ConfigureAwait(false))
        {
            foreach (var run in runs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var entry = archive.CreateEntry(GetEntryName(run), CompressionLevel.Optimal);
                entry.LastWriteTime = now;
                var stream = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    await JsonSerializer.SerializeAsync(stream, ToDocument(run, now), InFlightDumpJsonContext.Default.InFlightRunDocument, cancellationToken)
                        .ConfigureAwait(false);
                }
            }
        }
    }
}
