using System.Buffers;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LedgerSync.Ledger;

namespace LedgerSync.Recovery.Manual;

/// <summary>
/// Imports a manual-recovery zip on the node that lacks the transactions, through the same checks as a recovery over
/// the network: the file's structure first (a readable zip, only the format's entry names, a manifest for this node
/// from the named party, every listed entry present and nothing else, every read bounded), then each transaction's
/// SHA-256 digest and the host's decoder (the decoded ID must be the listed ID; the transaction must name both parties
/// or be in the back-chain of one that does), and then <see cref="RecoveryVerifier"/>, the verifying path of every
/// recovery, which decodes it again, stores it with the sink and records it in the ledger graph. Outcomes are recorded
/// as a recovery from the party, committed every <c>manualImportNumberOfTransactionsToCommitAfter</c>.
/// </summary>
internal sealed class ManualRecoveryImporter(
    ILedgerGraph graph,
    ITransactionDecoder decoder,
    RecoveryVerifier verifier,
    IRecoveryStore store,
    PartyName localParty,
    int commitEvery,
    TimeSpan lease,
    TimeProvider time)
{
    public async Task<RecoveryStatus> ImportAsync(PartyName party, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(party);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (party == localParty)
        {
            throw new ReconciliationWithSelfException(party);
        }

        if (!graph.IsInitialized)
        {
            // As every flow that needs the graph: refuse at once rather than wait for a load that may never come.
            throw new LedgerGraphNotReadyException(false, graph.IsSelfConsistent, []);
        }

        var file = OpenFile(path);
        await using (file.ConfigureAwait(false))
        {
            var zip = await OpenZipAsync(file, path, cancellationToken).ConfigureAwait(false);
            await using (zip.ConfigureAwait(false))
            {
                var manifest = await ReadManifestAsync(zip, path, party, cancellationToken).ConfigureAwait(false);
                var listings = new List<IReadOnlyList<(TransactionId Id, ManualRecoveryEntry Entry)>>(manifest.Batches.Count);
                var ids = new List<TransactionId>(manifest.TransactionCount);
                var seen = new HashSet<TransactionId>(manifest.TransactionCount);
                foreach (var batch in manifest.Batches)
                {
                    var listing = await ReadListingAsync(zip, path, batch, cancellationToken).ConfigureAwait(false);
                    foreach (var (id, _) in listing)
                    {
                        if (!seen.Add(id))
                        {
                            throw new ManualRecoveryFileException(path, $"transaction {id} is listed twice.");
                        }

                        ids.Add(id);
                    }

                    listings.Add(listing);
                }

                // Pass 1: digests and decoding; which transactions the party may send this node.
                var verdicts = new Dictionary<TransactionId, Verdict>(ids.Count);
                for (var b = 0; b < listings.Count; b++)
                {
                    await ReadPayloadsAsync(zip, path, manifest.Batches[b], listings[b], (id, entry, payload) =>
                    {
                        verdicts[id] = Verify(id, entry, payload, party);
                        return ValueTask.FromResult(true);
                    }, cancellationToken).ConfigureAwait(false);
                }

                MarkBackChains(verdicts);

                // Pass 2: store what was verified, committing the outcomes every commitEvery transactions.
                var now = time.GetUtcNow();
                var recovery = new RecoveryStatus
                {
                    RecoveryId = Guid.NewGuid(),
                    PartyName = party,
                    State = RecoveryState.InProgress,
                    RequestedCount = ids.Count,
                    CreatedAt = now,
                };
                var claim = await store.TryAddClaimedAsync(recovery, ids, now, now + lease, cancellationToken).ConfigureAwait(false)
                    ?? throw new RecoveryAlreadyInProgressException(party, null, $"A recovery from {party} is already queued or in progress; wait for it to end (GetRecoveryStatusForPartyFlow) or stop it (StopReconciliationForPartyFlow) before importing.");
                var outcomes = new List<RecoveryItem>(Math.Min(commitEvery, ids.Count));
                var held = true;
                try
                {
                    // Each transaction through the verifying path of every recovery. A back-chain transaction listed
                    // before the transaction that depends on it is deferred by the verifier; it is offered again in
                    // the next round, once its dependents are stored, and rejected in a last round if nothing moved.
                    HashSet<TransactionId>? offer = null;
                    var finalAttempt = false;
                    while (held)
                    {
                        var deferred = new HashSet<TransactionId>();
                        for (var b = 0; b < listings.Count && held; b++)
                        {
                            if (offer is not null && !listings[b].Any(l => offer.Contains(l.Id)))
                            {
                                continue;
                            }

                            await ReadPayloadsAsync(zip, path, manifest.Batches[b], listings[b], async (id, entry, payload) =>
                            {
                                if (offer is not null && !offer.Contains(id))
                                {
                                    return true;
                                }

                                var outcome = await StoreAsync(id, entry, payload, party, verdicts[id], finalAttempt, cancellationToken).ConfigureAwait(false);
                                if (outcome is null)
                                {
                                    deferred.Add(id);
                                    return true;
                                }

                                outcomes.Add(outcome);
                                if (outcomes.Count >= commitEvery)
                                {
                                    held = await CommitAsync(claim, outcomes, cancellationToken).ConfigureAwait(false);
                                }

                                return held;
                            }, cancellationToken).ConfigureAwait(false);
                        }

                        if (deferred.Count == 0 || finalAttempt)
                        {
                            break;
                        }

                        finalAttempt = offer is not null && deferred.Count == offer.Count;
                        offer = deferred;
                    }

                    if (held && await CommitAsync(claim, outcomes, cancellationToken).ConfigureAwait(false))
                    {
                        await claim.FinishAsync(RecoveryState.Finished, null, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    await CommitAsync(claim, outcomes, CancellationToken.None).ConfigureAwait(false);
                    var error = e is ManualRecoveryFileException problem ? problem.Problem : $"the import stopped with {e.GetType().Name}; what was committed before stays, import the file again to finish.";
                    await claim.FinishAsync(RecoveryState.Failed, error, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                    throw;
                }
                catch (OperationCanceledException)
                {
                    await claim.ReleaseAsync(time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                    throw;
                }

                return await store.GetAsync(recovery.RecoveryId, cancellationToken).ConfigureAwait(false) ?? recovery;
            }
        }
    }

    private async Task<bool> CommitAsync(IRecoveryClaim claim, List<RecoveryItem> outcomes, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var held = await claim.RecordAsync([.. outcomes], now, cancellationToken).ConfigureAwait(false)
            && await claim.RenewAsync(now + lease, cancellationToken).ConfigureAwait(false);
        outcomes.Clear();
        return held;
    }

    private Verdict Verify(TransactionId id, ManualRecoveryEntry entry, ReadOnlyMemory<byte> payload, PartyName party)
    {
        if (!DigestMatches(entry, payload.Span))
        {
            return Verdict.Reject("the payload does not match its SHA-256 digest in the manifest.");
        }

        TransactionMetadata metadata;
        try
        {
            metadata = decoder.Decode(payload);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Verdict.Reject($"the transaction decoder could not read the payload ({e.GetType().Name}).");
        }

        if (metadata.Id != id)
        {
            return Verdict.Reject($"the payload decodes to transaction {metadata.Id}, not to the listed ID.");
        }

        var namesBoth = metadata.Participants.Contains(localParty) && metadata.Participants.Contains(party);
        return new Verdict(metadata, null, namesBoth);
    }

    /// <summary>Accepts the back-chains: every decoded transaction a transaction naming both parties depends on, transitively.</summary>
    private static void MarkBackChains(Dictionary<TransactionId, Verdict> verdicts)
    {
        var pending = new Stack<TransactionId>(verdicts.Where(v => v.Value.Relevant).Select(v => v.Key));
        while (pending.TryPop(out var id))
        {
            foreach (var dependency in verdicts[id].Metadata!.Dependencies)
            {
                if (verdicts.TryGetValue(dependency, out var verdict) && verdict.Metadata is not null && !verdict.Relevant)
                {
                    verdicts[dependency] = verdict with { Relevant = true };
                    pending.Push(dependency);
                }
            }
        }
    }

    /// <summary>The outcome of one transaction, or <see langword="null"/> when the verifier defers it to a later round.</summary>
    private async Task<RecoveryItem?> StoreAsync(TransactionId id, ManualRecoveryEntry entry, ReadOnlyMemory<byte> payload, PartyName party, Verdict verdict, bool finalAttempt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        RecoveryItem Outcome(RecoveryItemOutcome outcome, string? reason = null, long bytes = 0) =>
            new() { Position = 0, TransactionId = id, Outcome = outcome, Reason = reason, Bytes = bytes, CompletedAt = now };

        if (verdict.Problem is { } problem)
        {
            return Outcome(RecoveryItemOutcome.Rejected, problem);
        }

        if (!verdict.Relevant)
        {
            return Outcome(RecoveryItemOutcome.Rejected, $"the transaction names neither both {localParty} and {party} nor is it in the back-chain of one in the file that does.");
        }

        if (graph.Contains(id))
        {
            return Outcome(RecoveryItemOutcome.Recovered, "already held by this node.");
        }

        if (!DigestMatches(entry, payload.Span))
        {
            return Outcome(RecoveryItemOutcome.Rejected, "the payload changed in the file while it was imported.");
        }

        var verification = await verifier.VerifyAndStoreAsync(party, id, payload, finalAttempt, cancellationToken).ConfigureAwait(false);
        return verification.Kind switch
        {
            RecoveryVerificationKind.Recovered => Outcome(RecoveryItemOutcome.Recovered, bytes: payload.Length),
            RecoveryVerificationKind.Deferred => null,
            _ => Outcome(RecoveryItemOutcome.Rejected, verification.Reason),
        };
    }

    private static bool DigestMatches(ManualRecoveryEntry entry, ReadOnlySpan<byte> payload)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(payload, digest);
        Span<byte> expected = stackalloc byte[32];
        return Convert.FromHexString(entry.Sha256, expected, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == 32
            && CryptographicOperations.FixedTimeEquals(digest, expected);
    }

    private static FileStream OpenFile(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManualRecoveryFileException(path, e is FileNotFoundException or DirectoryNotFoundException ? "there is no such file." : "the file cannot be opened for reading.");
        }
    }

    private static async Task<ZipArchive> OpenZipAsync(FileStream file, string path, CancellationToken cancellationToken)
    {
        ZipArchive zip;
        try
        {
            zip = await ZipArchive.CreateAsync(file, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            throw new ManualRecoveryFileException(path, "it is not a readable zip archive (truncated or damaged).");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            if (!ManualRecoveryFormat.IsKnownEntryName(entry.FullName))
            {
                await zip.DisposeAsync().ConfigureAwait(false);
                throw new ManualRecoveryFileException(path, $"it holds an entry named '{Printable(entry.FullName)}', which is not a name this format uses.");
            }

            if (!names.Add(entry.FullName))
            {
                await zip.DisposeAsync().ConfigureAwait(false);
                throw new ManualRecoveryFileException(path, $"it holds the entry '{entry.FullName}' twice.");
            }
        }

        return zip;
    }

    private async Task<ManualRecoveryManifest> ReadManifestAsync(ZipArchive zip, string path, PartyName party, CancellationToken cancellationToken)
    {
        var entry = zip.GetEntry(ManualRecoveryFormat.ManifestEntry)
            ?? throw new ManualRecoveryFileException(path, $"it has no {ManualRecoveryFormat.ManifestEntry}.");
        var bytes = await ReadBoundedAsync(entry, ManualRecoveryFormat.MaxManifestBytes, path, cancellationToken).ConfigureAwait(false);
        ManualRecoveryManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(bytes, ManualRecoveryJsonContext.Default.ManualRecoveryManifest);
        }
        catch (JsonException)
        {
            throw new ManualRecoveryFileException(path, $"its {ManualRecoveryFormat.ManifestEntry} is not a valid manifest.");
        }

        if (manifest is null || manifest.Format != ManualRecoveryFormat.FormatName || manifest.Batches is null || manifest.Batches.Any(b => b is null))
        {
            throw new ManualRecoveryFileException(path, $"its {ManualRecoveryFormat.ManifestEntry} is not a LedgerSync manual recovery manifest.");
        }

        if (manifest.Version != ManualRecoveryFormat.Version)
        {
            throw new ManualRecoveryFileException(path, $"it is format version {manifest.Version}; this node reads version {ManualRecoveryFormat.Version}.");
        }

        if (!PartyName.TryParse(manifest.Exporter, out var exporter, out _) || exporter != party)
        {
            throw new ManualRecoveryFileException(path, $"it was exported by '{Printable(manifest.Exporter)}', not by {party}.");
        }

        if (!PartyName.TryParse(manifest.Recipient, out var recipient, out _) || recipient != localParty)
        {
            throw new ManualRecoveryFileException(path, $"it was exported for '{Printable(manifest.Recipient)}', not for this node ({localParty}).");
        }

        if (manifest.TransactionCount is < 0 or > ManualRecoveryFormat.MaxTransactions
            || manifest.Batches.Count > ManualRecoveryFormat.MaxTransactions
            || manifest.Batches.Sum(b => (long)b.Count) != manifest.TransactionCount)
        {
            throw new ManualRecoveryFileException(path, "its manifest's transaction count does not match its batches (or exceeds 1000000).");
        }

        var expected = new HashSet<string>(StringComparer.Ordinal) { ManualRecoveryFormat.ManifestEntry };
        for (var i = 0; i < manifest.Batches.Count; i++)
        {
            var batch = manifest.Batches[i];
            if (batch.Number != i + 1 || batch.Count < 1 || batch.Count > Math.Max(manifest.BatchSize, 1) || batch.Bytes < 0)
            {
                throw new ManualRecoveryFileException(path, $"its manifest's batch {i + 1} is malformed.");
            }

            foreach (var name in new[] { ManualRecoveryFormat.ListingEntry(batch.Number), ManualRecoveryFormat.PayloadEntry(batch.Number) })
            {
                if (zip.GetEntry(name) is null)
                {
                    throw new ManualRecoveryFileException(path, $"its manifest lists {name}, which the file does not hold.");
                }

                expected.Add(name);
            }
        }

        if (zip.Entries.FirstOrDefault(e => !expected.Contains(e.FullName)) is { } extra)
        {
            throw new ManualRecoveryFileException(path, $"it holds {extra.FullName}, which its manifest does not list.");
        }

        return manifest;
    }

    private static async Task<IReadOnlyList<(TransactionId Id, ManualRecoveryEntry Entry)>> ReadListingAsync(ZipArchive zip, string path, ManualRecoveryBatch batch, CancellationToken cancellationToken)
    {
        var name = ManualRecoveryFormat.ListingEntry(batch.Number);
        var limit = (int)Math.Min(int.MaxValue, ((long)batch.Count * ManualRecoveryFormat.MaxListingBytesPerTransaction) + 1024);
        var bytes = await ReadBoundedAsync(zip.GetEntry(name)!, limit, path, cancellationToken).ConfigureAwait(false);
        if (!DigestEquals(bytes, batch.ListingSha256))
        {
            throw new ManualRecoveryFileException(path, $"{name} does not match its SHA-256 digest in the manifest.");
        }

        List<ManualRecoveryEntry>? entries;
        try
        {
            entries = JsonSerializer.Deserialize(bytes, ManualRecoveryJsonContext.Default.ListManualRecoveryEntry);
        }
        catch (JsonException)
        {
            throw new ManualRecoveryFileException(path, $"{name} is not a valid listing.");
        }

        if (entries is null || entries.Count != batch.Count)
        {
            throw new ManualRecoveryFileException(path, $"{name} lists {entries?.Count ?? 0} transactions; the manifest says {batch.Count}.");
        }

        var listing = new List<(TransactionId, ManualRecoveryEntry)>(entries.Count);
        long total = 0;
        foreach (var entry in entries)
        {
            if (entry is null || !TransactionId.TryParse(entry.Id, out var id) || entry.Sha256 is not { Length: 64 })
            {
                throw new ManualRecoveryFileException(path, $"{name} holds an entry without a valid transaction ID and SHA-256 digest.");
            }

            if (entry.Size < 0 || entry.Size > ManualRecoveryFormat.MaxPayloadBytes)
            {
                throw new ManualRecoveryFileException(path, $"{name} lists transaction {id} with {entry.Size} bytes; an import reads payloads of 0 to {ManualRecoveryFormat.MaxPayloadBytes} bytes.");
            }

            total += entry.Size;
            listing.Add((id, entry));
        }

        if (total != batch.Bytes)
        {
            throw new ManualRecoveryFileException(path, $"{name} lists {total} payload bytes; the manifest says {batch.Bytes}.");
        }

        return listing;
    }

    /// <summary>
    /// Reads the batch's payloads one by one, exactly as many bytes as listed (never more: a zip bomb costs nothing
    /// beyond the listed sizes), and calls <paramref name="each"/>; stops early when it returns <see langword="false"/>.
    /// </summary>
    private static async Task ReadPayloadsAsync(
        ZipArchive zip,
        string path,
        ManualRecoveryBatch batch,
        IReadOnlyList<(TransactionId Id, ManualRecoveryEntry Entry)> listing,
        Func<TransactionId, ManualRecoveryEntry, ReadOnlyMemory<byte>, ValueTask<bool>> each,
        CancellationToken cancellationToken)
    {
        var name = ManualRecoveryFormat.PayloadEntry(batch.Number);
        var entry = zip.GetEntry(name)!;
        if (entry.Length != batch.Bytes)
        {
            throw new ManualRecoveryFileException(path, $"{name} holds {entry.Length} bytes; its listing says {batch.Bytes}.");
        }

        var stream = await OpenEntryAsync(entry, path, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var max = listing.Count == 0 ? 0 : (int)listing.Max(l => l.Entry.Size);
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(max, 1));
            try
            {
                foreach (var (id, item) in listing)
                {
                    var size = (int)item.Size;
                    var read = await ReadEntryAsync(stream, buffer.AsMemory(0, size), path, name, cancellationToken).ConfigureAwait(false);
                    if (read < size)
                    {
                        throw new ManualRecoveryFileException(path, $"{name} ends inside transaction {id} (truncated).");
                    }

                    if (!await each(id, item, buffer.AsMemory(0, size)).ConfigureAwait(false))
                    {
                        return;
                    }
                }

                if (await ReadEntryAsync(stream, buffer.AsMemory(0, 1), path, name, cancellationToken).ConfigureAwait(false) != 0)
                {
                    throw new ManualRecoveryFileException(path, $"{name} holds more bytes than its listing.");
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(ZipArchiveEntry entry, int limit, string path, CancellationToken cancellationToken)
    {
        if (entry.Length > limit)
        {
            throw new ManualRecoveryFileException(path, $"{entry.FullName} holds {entry.Length} bytes, more than the {limit} an import reads.");
        }

        var stream = await OpenEntryAsync(entry, path, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[(int)Math.Min(entry.Length, limit) + 1];
            var read = await ReadEntryAsync(stream, buffer, path, entry.FullName, cancellationToken).ConfigureAwait(false);
            if (read > entry.Length)
            {
                throw new ManualRecoveryFileException(path, $"{entry.FullName} holds more bytes than the zip declares.");
            }

            return buffer.AsSpan(0, read).ToArray();
        }
    }

    private static async Task<Stream> OpenEntryAsync(ZipArchiveEntry entry, string path, CancellationToken cancellationToken)
    {
        try
        {
            return await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            throw new ManualRecoveryFileException(path, $"{entry.FullName} cannot be read (damaged or an unsupported compression).");
        }
    }

    private static async Task<int> ReadEntryAsync(Stream stream, Memory<byte> buffer, string path, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            throw new ManualRecoveryFileException(path, $"{name} cannot be read (truncated or damaged).");
        }
    }

    private static bool DigestEquals(byte[] content, string? expectedHex)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(content, digest);
        Span<byte> expected = stackalloc byte[32];
        return expectedHex is { Length: 64 }
            && Convert.FromHexString(expectedHex, expected, out _, out var written) == OperationStatus.Done
            && written == 32
            && CryptographicOperations.FixedTimeEquals(digest, expected);
    }

    private static string Printable(string? text)
    {
        if (text is null)
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(text.Length, 120));
        foreach (var c in text.AsSpan(0, Math.Min(text.Length, 120)))
        {
            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return text.Length > 120 ? builder.Append("...").ToString() : builder.ToString();
    }

    private sealed record Verdict(TransactionMetadata? Metadata, string? Problem, bool Relevant)
    {
        public static Verdict Reject(string problem) => new(null, problem, false);
    }
}
