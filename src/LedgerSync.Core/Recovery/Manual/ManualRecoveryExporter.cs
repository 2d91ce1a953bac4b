using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using LedgerSync.Ledger;

namespace LedgerSync.Recovery.Manual;

/// <summary>
/// Writes the manual-recovery zip on the node that holds the transactions: only IDs in the counterparty's relevant set,
/// read from the payload source, in batches of <c>manualExportTransactionsBatchSize</c>, each batch a listing (ID, size,
/// SHA-256) and the payloads back to back, and a manifest naming exporter, recipient and batches. The file is written
/// beside its destination and moved into place when complete, so a half-written export is never mistaken for one.
/// </summary>
internal sealed class ManualRecoveryExporter(
    ILedgerGraph graph,
    ITransactionPayloadSource? source,
    PartyName localParty,
    int batchSize,
    TimeProvider time)
{
    private const int CopyBufferSize = 81920;

    public async Task<ManualExportResult> ExportAsync(PartyName party, string path, IReadOnlyCollection<TransactionId>? transactionIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(party);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (party == localParty)
        {
            throw new ReconciliationWithSelfException(party);
        }

        if (source is null)
        {
            throw new RecoveryNotConfiguredException(nameof(ITransactionPayloadSource), "This node has no transaction payloads to export: register a payload source with .UseTransactionPayloadSource(...).");
        }

        if (!graph.IsInitialized)
        {
            // As every flow that needs the graph: refuse at once rather than wait for a load that may never come.
            throw new LedgerGraphNotReadyException(false, graph.IsSelfConsistent, []);
        }

        var relevant = graph.GetRelevantSet(party);
        List<TransactionId> wanted;
        var notInRelevantSet = 0;
        if (transactionIds is null)
        {
            wanted = [.. relevant.Snapshot()];
            wanted.Sort();
        }
        else
        {
            wanted = new List<TransactionId>(transactionIds.Count);
            foreach (var id in transactionIds.Distinct())
            {
                if (relevant.Contains(id))
                {
                    wanted.Add(id);
                }
                else
                {
                    notInRelevantSet++;
                }
            }
        }

        if (wanted.Count > ManualRecoveryFormat.MaxTransactions)
        {
            throw new ArgumentException($"An export holds at most {ManualRecoveryFormat.MaxTransactions} transactions; {wanted.Count} were asked for. Export in parts with transactionIds.", nameof(transactionIds));
        }

        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.partial");
        try
        {
            var (exported, bytes, batches, notHeld) = await WriteAsync(temporary, party, wanted, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, fullPath, overwrite: true);
            return new ManualExportResult(fullPath, party, exported, bytes, batches, notInRelevantSet, notHeld);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private async Task<(int Exported, long Bytes, int Batches, int NotHeld)> WriteAsync(string temporary, PartyName party, List<TransactionId> wanted, CancellationToken cancellationToken)
    {
        var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, CopyBufferSize, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true);
            await using (zip.ConfigureAwait(false))
            {
                var batches = new List<ManualRecoveryBatch>();
                var buffer = new byte[CopyBufferSize];
                var exported = 0;
                long totalBytes = 0;
                var next = 0;
                var (pending, skipped) = await OpenNextAsync(wanted, next, cancellationToken).ConfigureAwait(false);
                next += skipped;
                while (pending is not null)
                {
                    var number = batches.Count + 1;
                    var listing = new List<ManualRecoveryEntry>(Math.Min(batchSize, wanted.Count - next + 1));
                    long batchBytes = 0;
                    var output = await zip.CreateEntry(ManualRecoveryFormat.PayloadEntry(number), CompressionLevel.Optimal).OpenAsync(cancellationToken).ConfigureAwait(false);
                    await using (output.ConfigureAwait(false))
                    {
                        while (pending is not null && listing.Count < batchSize)
                        {
                            var (id, payload) = pending.Value;
                            await using (payload.ConfigureAwait(false))
                            {
                                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                                int read;
                                while ((read = await payload.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                                {
                                    hash.AppendData(buffer, 0, read);
                                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                                }

                                listing.Add(new ManualRecoveryEntry { Id = id.ToString(), Size = payload.Length, Sha256 = Convert.ToHexString(hash.GetHashAndReset()) });
                                batchBytes += payload.Length;
                            }

                            (pending, skipped) = await OpenNextAsync(wanted, next, cancellationToken).ConfigureAwait(false);
                            next += skipped;
                                    }
                    }

                    var listingBytes = JsonSerializer.SerializeToUtf8Bytes(listing, ManualRecoveryJsonContext.Default.ListManualRecoveryEntry);
                    await WriteEntryAsync(zip, ManualRecoveryFormat.ListingEntry(number), listingBytes, cancellationToken).ConfigureAwait(false);
                    batches.Add(new ManualRecoveryBatch { Number = number, Count = listing.Count, Bytes = batchBytes, ListingSha256 = Convert.ToHexString(SHA256.HashData(listingBytes)) });
                    exported += listing.Count;
                    totalBytes += batchBytes;
                }

                var manifest = new ManualRecoveryManifest
                {
                    Format = ManualRecoveryFormat.FormatName,
                    Version = ManualRecoveryFormat.Version,
                    Exporter = localParty.ToString(),
                    Recipient = party.ToString(),
                    CreatedAt = time.GetUtcNow(),
                    TransactionCount = exported,
                    TotalBytes = totalBytes,
                    BatchSize = batchSize,
                    Batches = batches,
                };
                await WriteEntryAsync(zip, ManualRecoveryFormat.ManifestEntry, JsonSerializer.SerializeToUtf8Bytes(manifest, ManualRecoveryJsonContext.Default.ManualRecoveryManifest), cancellationToken).ConfigureAwait(false);
                return (exported, totalBytes, batches.Count, wanted.Count - exported);
            }
        }
    }

    private static async Task WriteEntryAsync(ZipArchive zip, string name, byte[] content, CancellationToken cancellationToken)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        var stream = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Opens the payload of the next held ID from <paramref name="from"/> on; returns it (or <see langword="null"/> at the
    /// end) and how many IDs were consumed, the opened one included. IDs not held or too large are skipped.
    /// </summary>
    private async Task<((TransactionId Id, TransactionPayload Payload)? Next, int Consumed)> OpenNextAsync(List<TransactionId> wanted, int from, CancellationToken cancellationToken)
    {
        for (var i = from; i < wanted.Count; i++)
        {
            var payload = await source!.OpenAsync(wanted[i], cancellationToken).ConfigureAwait(false);
            if (payload is null)
            {
                continue;
            }

            if (payload.Length > ManualRecoveryFormat.MaxPayloadBytes)
            {
                await payload.DisposeAsync().ConfigureAwait(false);
                continue;
            }

            return ((wanted[i], payload), i - from + 1);
        }

        return (null, wanted.Count - from);
    }
}
