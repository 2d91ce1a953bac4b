using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LedgerSync.Ledger;
using LedgerSync.Recovery;
using LedgerSync.Recovery.Manual;
using Microsoft.Extensions.Time.Testing;

namespace LedgerSync.Tests.Recovery.Manual;

[TestFixture]
public sealed class ManualRecoveryTests
{
    private static readonly PartyName A = ManualRecoveryTestLedger.A;
    private static readonly PartyName B = ManualRecoveryTestLedger.B;
    private static readonly PartyName C = ManualRecoveryTestLedger.C;

    private string _directory = null!;
    private ManualRecoveryTestLedger _ledger = null!;
    private LedgerGraph _graphB = null!;
    private LedgerGraph _graphA = null!;
    private InMemoryRecoveredTransactionSink _sinkA = null!;
    private InMemoryRecoveryStore _storeA = null!;
    private int _refreshes;

    [SetUp]
    public async Task SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"ledgersync-manual-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
        _ledger = new ManualRecoveryTestLedger(shared: 250);
        _graphB = await _ledger.GraphOfBAsync();
        _graphA = await _ledger.GraphOfAAsync(_ledger.Shared.Take(100));
        _sinkA = new InMemoryRecoveredTransactionSink();
        _storeA = new InMemoryRecoveryStore();
        _refreshes = 0;
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private string FilePath => Path.Combine(_directory, "for-partya.zip");

    private ManualRecoveryFlows FlowsOfB(int batchSize = 100) => new(
        _graphB, new InMemoryRecoveryStore(), new LedgerSyncOptions { LocalParty = B, ManualExportTransactionsBatchSize = batchSize },
        new FakeTimeProvider(), _ledger.PayloadSource(), null, null, null, null);

    private ManualRecoveryFlows FlowsOfA(int commitEvery = 1000, IRecoveryStore? store = null, IRecoveredTransactionSink? sink = null) => new(
        _graphA, store ?? _storeA, new LedgerSyncOptions { LocalParty = A, ManualImportNumberOfTransactionsToCommitAfter = commitEvery },
        new FakeTimeProvider(), null, new TestTransactionCodec(), sink ?? _sinkA, _ => { _refreshes++; return Task.CompletedTask; }, null);

    private HashSet<TransactionId> RelevantToA => [.. _ledger.Shared, .. _ledger.BackChain];

    [Test]
    public async Task ExportThenImport_WholeRelevantSet_RecoversWhatALacksAndNothingPrivateToBAndC()
    {
        var exported = await FlowsOfB().ExportTransactionsForPartyAsync(A, FilePath);
        var status = await FlowsOfA().ImportTransactionsAsync(B, FilePath);

        Assert.That(exported.Exported, Is.EqualTo(RelevantToA.Count));
        Assert.That(exported.Batches, Is.EqualTo((RelevantToA.Count + 99) / 100));
        Assert.That(status.State, Is.EqualTo(RecoveryState.Finished));
        Assert.That(status.PartyName, Is.EqualTo(B));
        Assert.That(status.RecoveredCount, Is.EqualTo(RelevantToA.Count));
        Assert.That(status.RejectedCount, Is.Zero);
        var lacked = RelevantToA.Where(id => !_ledger.Shared.Take(100).Contains(id)).ToHashSet();
        Assert.That(_sinkA.Stored.Keys, Is.EquivalentTo(lacked));
        Assert.That(status.BytesRecovered, Is.EqualTo(lacked.Sum(id => (long)_ledger.PayloadOf(id).Length)));
        Assert.That(RelevantToA.All(_graphA.Contains), Is.True);
        Assert.That(_ledger.PrivateToBAndC.Any(_graphA.Contains), Is.False);
        Assert.That(_refreshes, Is.EqualTo(1));
        Assert.That(await _storeA.GetLatestForPartyAsync(B), Is.EqualTo(status));
    }

    [Test]
    public async Task Export_RequestedIdsOutsideTheRelevantSet_AreLeftOutOfTheFile()
    {
        var asked = _ledger.Shared.Take(20).Concat(_ledger.PrivateToBAndC.Take(15)).Append(TransactionId.HashOf([1, 2, 3])).ToList();

        var exported = await FlowsOfB().ExportTransactionsForPartyAsync(A, FilePath, asked);

        Assert.That(exported.Exported, Is.EqualTo(20));
        Assert.That(exported.NotInRelevantSet, Is.EqualTo(16));
        var text = ReadAllEntriesAsText(FilePath);
        Assert.That(_ledger.PrivateToBAndC.Take(15).Any(id => text.Contains(id.ToString(), StringComparison.Ordinal)), Is.False);
        Assert.That(_ledger.Shared.Take(20).All(id => text.Contains(id.ToString(), StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task Export_BatchSize_WritesOneListingAndOnePayloadEntryPerBatch()
    {
        var exported = await FlowsOfB(batchSize: 120).ExportTransactionsForPartyAsync(A, FilePath);

        using var zip = ZipFile.OpenRead(FilePath);
        var batches = (RelevantToA.Count + 119) / 120;
        Assert.That(exported.Batches, Is.EqualTo(batches));
        Assert.That(zip.Entries.Select(e => e.FullName), Is.EquivalentTo(
            Enumerable.Range(1, batches).SelectMany(b => new[] { $"batch-{b:D6}.json", $"batch-{b:D6}.bin" }).Append("manifest.json")));
        var manifest = ReadManifest(zip);
        Assert.That(manifest.Batches.Select(b => b.Count), Is.All.LessThanOrEqualTo(120));
        Assert.That(manifest.Batches.Sum(b => b.Count), Is.EqualTo(RelevantToA.Count));
        Assert.That(manifest.Exporter, Is.EqualTo(B.ToString()));
        Assert.That(manifest.Recipient, Is.EqualTo(A.ToString()));
    }

    [Test]
    public async Task Import_CommitsEveryConfiguredNumberOfTransactions()
    {
        _ledger = new ManualRecoveryTestLedger(shared: 2300, seed: 2);
        _graphB = await _ledger.GraphOfBAsync();
        _graphA = await _ledger.GraphOfAAsync([]);
        var store = new CountingRecoveryStore(_storeA);
        await FlowsOfB(batchSize: 500).ExportTransactionsForPartyAsync(A, FilePath);

        var status = await FlowsOfA(commitEvery: 1000, store: store).ImportTransactionsAsync(B, FilePath);

        Assert.That(status.RecoveredCount, Is.EqualTo(RelevantToA.Count));
        Assert.That(store.RecordSizes, Is.EqualTo(new[] { 1000, 1000, RelevantToA.Count - 2000 }));
    }

    [Test]
    public async Task Import_SameFileTwice_SecondTimeStoresNothingAgain()
    {
        await FlowsOfB().ExportTransactionsForPartyAsync(A, FilePath);
        await FlowsOfA().ImportTransactionsAsync(B, FilePath);
        var calls = _sinkA.Calls;

        var again = await FlowsOfA().ImportTransactionsAsync(B, FilePath);

        Assert.That(again.State, Is.EqualTo(RecoveryState.Finished));
        Assert.That(again.RecoveredCount, Is.EqualTo(RelevantToA.Count));
        Assert.That(again.BytesRecovered, Is.Zero);
        Assert.That(_sinkA.Calls, Is.EqualTo(calls));
    }

    [Test]
    public async Task Import_TruncatedZip_RefusedAsAWholeAndNothingStored()
    {
        await FlowsOfB().ExportTransactionsForPartyAsync(A, FilePath);
        var bytes = await File.ReadAllBytesAsync(FilePath);
        await File.WriteAllBytesAsync(FilePath, bytes[..(bytes.Length / 2)]);

        Assert.That(async () => await FlowsOfA().ImportTransactionsAsync(B, FilePath),
            Throws.TypeOf<ManualRecoveryFileException>().With.Property(nameof(ManualRecoveryFileException.Problem)).Contains("not a readable zip"));
        Assert.That(_sinkA.Calls, Is.Zero);
        Assert.That(await _storeA.GetLatestForPartyAsync(B), Is.Null);
    }

    [Test]
    public async Task Import_NotAZipAtAll_Refused()
    {
        await File.WriteAllTextAsync(FilePath, "hello, this is not a zip");

        Assert.That(async () => await FlowsOfA().ImportTransactionsAsync(B, FilePath),
            Throws.TypeOf<ManualRecoveryFileException>().With.Message.Contains(FilePath));
    }

    [Test]
    public async Task Import_PayloadChangedInTheFile_ThatTransactionRejectedForItsDigestTheOthersRecovered()
    {
        await FlowsOfB().ExportTransactionsForPartyAsync(A, FilePath);
        Rewrite(FilePath, entries =>
        {
            var payloads = entries["batch-000001.bin"];
            payloads[10] ^= 0xFF;
        });

        var status = await FlowsOfA().ImportTransactionsAsync(B, FilePath);

        // The changed one is rejected for its digest; a B–C transaction only it depended on is no longer in any
        // accepted back-chain, so it is rejected too. Everything else is recovered.
        Assert.That(status.State, Is.EqualTo(RecoveryState.Finished));
        var rejected = await _storeA.GetItemsAsync(status.RecoveryId, RecoveryItemOutcome.Rejected, null, 10);
        var changed = rejected.Single(r => r.Reason!.Contains("SHA-256", StringComparison.Ordinal));
        Assert.That(rejected.Where(r => r != changed).Select(r => r.Reason), Is.All.Contains("back-chain"));
        Assert.That(rejected.Where(r => r != changed).Select(r => r.TransactionId), Is.SubsetOf(_ledger.BackChain));
        Assert.That(status.RecoveredCount, Is.EqualTo(RelevantToA.Count - rejected.Count));
        Assert.That(_sinkA.Stored.ContainsKey(changed.TransactionId), Is.False);
        Assert.That(_graphA.Contains(changed.TransactionId), Is.False);
    }

    [Test]
    public async Task Import_PayloadListedUnderAnotherId_RejectedAsNotMatchingItsId()
    {
        await FlowsOfB().ExportTransactionsForPartyAsync(A, FilePath, _ledger.Shared.Skip(100).Take(5).ToList());
        var forged = TransactionId.HashOf(Encoding.UTF8.GetBytes("forged"));
        Rewrite(FilePath, entries => EditListing(entries, 1, listing => listing[2] = listing[2] with { Id = forged.ToString() }));

        var status = await FlowsOfA().ImportTransactionsAsync(B, FilePath);

        var rejected = await _storeA.GetItemsAsync(status.RecoveryId, RecoveryItemOutcome.Rejected, null, 10);
        Assert.That(rejected.Select(r => r.TransactionId), Is.EqualTo(new[] { forged }));
        Assert.That(rejected[0].Reason, Does.Contain("decodes to transaction"));
        Assert.That(_sinkA.Stored.ContainsKey(forged), Is.False);
        Assert.That(status.RecoveredCount, Is.EqualTo(4));
    }

    [Test]
    public async Task Import_TransactionOfBAndCOnly_RejectedAndNeverStored()
    {
        // A forged file: B–C business that is no dependency of anything A shares, digests and IDs all correct.
        var privateId = _ledger.PrivateToBAndC[0];
        WriteFile(FilePath, B, A, [(privateId, _ledger.PayloadOf(privateId)), (_ledger.Shared[150], _ledger.PayloadOf(_ledger.Shared[150]))]);

        var status = await FlowsOfA().ImportTransactionsAsync(B, FilePath);

        var rejected = await _storeA.GetItemsAsync(status.RecoveryId, RecoveryItemOutcome.Rejected, null, 10);
        Assert.That(rejected.Select(r => r.TransactionId), Is.EqualTo(new[] { privateId }));
        Assert.That(rejected[0].Reason, Does.Contain("back-chain"));
        Assert.That(_graphA.Contains(privateId), Is.False);
        Assert.That(_sinkA.Stored.Keys, Is.EqualTo(new[] { _ledger.Shared[150] }));
    }

    [Test]
    public async Task Import_ManifestListsAnEntryTheFileLacks_RefusedBeforeAnythingIsStored()
    {
        await FlowsOfB().ExportTransactionsForPartyAsync(A, FilePath);
        Rewrite(FilePath, entries => entries.Remove("batch-000002.bin"));

        Assert.That(async () => await FlowsOfA().ImportTransactionsAsync(B, FilePath),
            Throws.TypeOf<ManualRecoveryFileException>().With.Property(nameof(ManualRecoveryFileException.Problem)).Contains("lists batch-000002.bin, which the file does not hold"));
        Assert.That(_sinkA.Calls, Is.Zero);
    }

    [Test]
    public async Task Import_EntryTheManifestDoesNotList_Refused()
    {
        await FlowsOfB().ExportTransactionsForPartyAsync(A, FilePath);
        Rewrite(FilePath, entries => entries["batch-000099.bin"] = [1, 2, 3]);

        Assert.That(async () => await FlowsOfA().ImportTransactionsAsync(B, FilePath),
            Throws.TypeOf<ManualRecoveryFileException>().With.Property(nameof(ManualRecoveryFileException.Problem)).Contains("batch-000099.bin, which its manifest does not list"));
    }

    [TestCase("../evil.bin")]
    [TestCase("/etc/passwd")]
    [TestCase("batches/../../x.json")]
    [TestCase("C:\\windows\\x.bin")]
    [TestCase("batch-000001.bin/../../x")]
    [TestCase("manifest.json\u0000.txt")]
    public async Task Import_EntryNameWithPathTricks_Refused(string name)
    {
        await FlowsOfB().ExportTransactionsForPartyAsync(A, FilePath);
        Rewrite(FilePath, entries => entries[name] = [0]);

        Assert.That(async () => await FlowsOfA().ImportTransactionsAsync(B, FilePath),
            Throws.TypeOf<ManualRecoveryFileException>().With.Property(nameof(ManualRecoveryFileException.Problem)).Contains("not a name this format uses"));
        Assert.That(_sinkA.Calls, Is.Zero);
    }

    [Test]
    public async Task Import_ListingClaimsAnOversizedPayload_RefusedWithoutReadingIt()
    {
        await FlowsOfB().ExportTransactionsForPartyAsync(A, FilePath, _ledger.Shared.Skip(100).Take(3).ToList());
        Rewrite(FilePath, entries => EditListing(entries, 1, listing => listing[0] = listing[0] with { Size = 1L << 40 }));

        Assert.That(async () => await FlowsOfA().ImportTransactionsAsync(B, FilePath),
            Throws.TypeOf<ManualRecoveryFileException>().With.Property(nameof(ManualRecoveryFileException.Problem)).Contains("an import reads payloads of 0 to"));
    }

    [Test]
    public async Task Import_PayloadEntryInflatesFarBeyondItsListing_RefusedAndBounded()
    {
        await FlowsOfB().ExportTransactionsForPartyAsync(A, FilePath, _ledger.Shared.Skip(100).Take(3).ToList());
        Rewrite(FilePath, entries => entries["batch-000001.bin"] = [.. entries["batch-000001.bin"], .. new byte[64 << 20]]);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        Assert.That(async () => await FlowsOfA().ImportTransactionsAsync(B, FilePath),
            Throws.TypeOf<ManualRecoveryFileException>().With.Property(nameof(ManualRecoveryFileException.Problem)).Contains("holds"));
        Assert.That(GC.GetTotalAllocatedBytes(precise: true) - before, Is.LessThan(16 << 20));
        Assert.That(_sinkA.Calls, Is.Zero);
    }

    [Test]
    public async Task Import_HugeManifest_RefusedWithoutReadingIt()
    {
        await FlowsOfB().ExportTransactionsForPartyAsync(A, FilePath);
        Rewrite(FilePath, entries => entries["manifest.json"] = [.. entries["manifest.json"], .. Enumerable.Repeat((byte)' ', 32 << 20)]);

        Assert.That(async () => await FlowsOfA().ImportTransactionsAsync(B, FilePath),
            Throws.TypeOf<ManualRecoveryFileException>().With.Property(nameof(ManualRecoveryFileException.Problem)).Contains("more than the"));
    }

    [Test]
    public async Task Import_PayloadEntryTruncated_RefusedBeforeAnythingIsStored()
    {
        await FlowsOfB(batchSize: 100).ExportTransactionsForPartyAsync(A, FilePath, _ledger.Shared.Skip(100).Take(150).ToList());
        Rewrite(FilePath, entries =>
        {
            var bin = entries["batch-000002.bin"];
            entries["batch-000002.bin"] = bin[..(bin.Length - 5)];
        });

        Assert.That(async () => await FlowsOfA().ImportTransactionsAsync(B, FilePath), Throws.TypeOf<ManualRecoveryFileException>());
        Assert.That(_sinkA.Calls, Is.Zero);
    }

    [Test]
    public async Task Import_FileForAnotherNode_Refused()
    {
        WriteFile(FilePath, B, C, [(_ledger.Shared[150], _ledger.PayloadOf(_ledger.Shared[150]))]);

        Assert.That(async () => await FlowsOfA().ImportTransactionsAsync(B, FilePath),
            Throws.TypeOf<ManualRecoveryFileException>().With.Property(nameof(ManualRecoveryFileException.Problem)).Contains("not for this node"));
    }

    [Test]
    public async Task Import_FileFromAnotherPartyThanNamed_Refused()
    {
        WriteFile(FilePath, C, A, [(_ledger.Shared[150], _ledger.PayloadOf(_ledger.Shared[150]))]);

        Assert.That(async () => await FlowsOfA().ImportTransactionsAsync(B, FilePath),
            Throws.TypeOf<ManualRecoveryFileException>().With.Property(nameof(ManualRecoveryFileException.Problem)).Contains("not by O=PartyB"));
    }

    [Test]
    public async Task Import_SinkRejects_RecordedWithTheSinksReason()
    {
        await FlowsOfB().ExportTransactionsForPartyAsync(A, FilePath, _ledger.Shared.Skip(100).Take(3).ToList());
        var sink = new RejectingSink("the vault is read-only");

        var status = await FlowsOfA(sink: sink).ImportTransactionsAsync(B, FilePath);

        Assert.That(status.RejectedCount, Is.EqualTo(3));
        var items = await _storeA.GetItemsAsync(status.RecoveryId, RecoveryItemOutcome.Rejected, null, 10);
        Assert.That(items.Select(i => i.Reason), Is.All.Contains("the vault is read-only"));
    }

    [Test]
    public async Task Import_WhileARecoveryFromThePartyIsActive_RefusedWithAlreadyInProgress()
    {
        await FlowsOfB().ExportTransactionsForPartyAsync(A, FilePath, _ledger.Shared.Skip(100).Take(3).ToList());
        await _storeA.TryAddAsync(new RecoveryStatus { RecoveryId = Guid.NewGuid(), PartyName = B, State = RecoveryState.Queued, RequestedCount = 1, CreatedAt = DateTimeOffset.UnixEpoch }, [_ledger.Shared[200]]);

        Assert.That(async () => await FlowsOfA().ImportTransactionsAsync(B, FilePath), Throws.TypeOf<RecoveryAlreadyInProgressException>());
        Assert.That(_sinkA.Calls, Is.Zero);
    }

    [Test]
    public void Export_WithoutPayloadSource_ThrowsNotConfigured()
    {
        var flows = new ManualRecoveryFlows(_graphB, new InMemoryRecoveryStore(), new LedgerSyncOptions { LocalParty = B }, new FakeTimeProvider(), null, null, null, null, null);

        Assert.That(async () => await flows.ExportTransactionsForPartyAsync(A, FilePath), Throws.TypeOf<RecoveryNotConfiguredException>());
        Assert.That(File.Exists(FilePath), Is.False);
    }

    [Test]
    public async Task Import_RandomCorruptions_NeverThrowAnythingButTypedErrorsAndNeverStoreAForgedPayload()
    {
        await FlowsOfB().ExportTransactionsForPartyAsync(A, FilePath, _ledger.Shared.Skip(100).Take(40).ToList());
        var original = await File.ReadAllBytesAsync(FilePath);
        var random = new Random(7);
        for (var round = 0; round < 60; round++)
        {
            var bytes = (byte[])original.Clone();
            for (var flips = random.Next(1, 6); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            }

            await File.WriteAllBytesAsync(FilePath, bytes);
            _sinkA = new InMemoryRecoveredTransactionSink();
            _storeA = new InMemoryRecoveryStore();
            try
            {
                await FlowsOfA().ImportTransactionsAsync(B, FilePath);
            }
            catch (ManualRecoveryFileException)
            {
            }

            foreach (var (id, payload) in _sinkA.Stored)
            {
                Assert.That(payload, Is.EqualTo(_ledger.PayloadOf(id)), $"round {round}: a stored payload differs from B's");
            }
        }
    }

    private static ManualRecoveryManifest ReadManifest(ZipArchive zip)
    {
        using var stream = zip.GetEntry("manifest.json")!.Open();
        return JsonSerializer.Deserialize(stream, ManualRecoveryJsonContext.Default.ManualRecoveryManifest)!;
    }

    private static string ReadAllEntriesAsText(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var text = new StringBuilder();
        foreach (var entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open(), Encoding.Latin1);
            text.Append(reader.ReadToEnd());
        }

        return text.ToString();
    }

    /// <summary>Reads every entry, lets <paramref name="edit"/> change them, and writes the zip again.</summary>
    private static void Rewrite(string path, Action<Dictionary<string, byte[]>> edit)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using (var zip = ZipFile.OpenRead(path))
        {
            foreach (var entry in zip.Entries)
            {
                using var stream = entry.Open();
                var copy = new MemoryStream();
                stream.CopyTo(copy);
                entries[entry.FullName] = copy.ToArray();
            }
        }

        edit(entries);
        WriteEntries(path, entries);
    }

    /// <summary>Changes a batch listing and keeps the manifest's digest of it (and its byte count) consistent.</summary>
    private static void EditListing(Dictionary<string, byte[]> entries, int batch, Action<List<ManualRecoveryEntry>> edit)
    {
        var name = $"batch-{batch:D6}.json";
        var listing = JsonSerializer.Deserialize(entries[name], ManualRecoveryJsonContext.Default.ListManualRecoveryEntry)!;
        edit(listing);
        entries[name] = JsonSerializer.SerializeToUtf8Bytes(listing, ManualRecoveryJsonContext.Default.ListManualRecoveryEntry);
        var manifest = JsonSerializer.Deserialize(entries["manifest.json"], ManualRecoveryJsonContext.Default.ManualRecoveryManifest)!;
        var batches = manifest.Batches.ToList();
        batches[batch - 1] = batches[batch - 1] with { ListingSha256 = Convert.ToHexString(SHA256.HashData(entries[name])), Bytes = listing.Sum(l => l.Size) };
        entries["manifest.json"] = JsonSerializer.SerializeToUtf8Bytes(manifest with { Batches = batches }, ManualRecoveryJsonContext.Default.ManualRecoveryManifest);
    }

    /// <summary>Writes a well-formed file by hand (one batch), as a forger with correct digests would.</summary>
    private static void WriteFile(string path, PartyName exporter, PartyName recipient, IReadOnlyList<(TransactionId Id, byte[] Payload)> transactions)
    {
        var listing = transactions.Select(t => new ManualRecoveryEntry { Id = t.Id.ToString(), Size = t.Payload.Length, Sha256 = Convert.ToHexString(SHA256.HashData(t.Payload)) }).ToList();
        var listingBytes = JsonSerializer.SerializeToUtf8Bytes(listing, ManualRecoveryJsonContext.Default.ListManualRecoveryEntry);
        var manifest = new ManualRecoveryManifest
        {
            Format = "ledgersync-manual-recovery",
            Version = 1,
            Exporter = exporter.ToString(),
            Recipient = recipient.ToString(),
            CreatedAt = DateTimeOffset.UnixEpoch,
            TransactionCount = transactions.Count,
            TotalBytes = transactions.Sum(t => (long)t.Payload.Length),
            BatchSize = 100,
            Batches = [new ManualRecoveryBatch { Number = 1, Count = transactions.Count, Bytes = transactions.Sum(t => (long)t.Payload.Length), ListingSha256 = Convert.ToHexString(SHA256.HashData(listingBytes)) }],
        };
        WriteEntries(path, new Dictionary<string, byte[]>
        {
            ["batch-000001.bin"] = [.. transactions.SelectMany(t => t.Payload)],
            ["batch-000001.json"] = listingBytes,
            ["manifest.json"] = JsonSerializer.SerializeToUtf8Bytes(manifest, ManualRecoveryJsonContext.Default.ManualRecoveryManifest),
        });
    }

    private static void WriteEntries(string path, Dictionary<string, byte[]> entries)
    {
        File.Delete(path);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, content) in entries)
        {
            using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
            stream.Write(content);
        }
    }

    private sealed class RejectingSink(string reason) : IRecoveredTransactionSink
    {
        public ValueTask<RecoveredTransactionResult> StoreAsync(RecoveredTransaction transaction, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(RecoveredTransactionResult.Rejected(reason));
    }

    /// <summary>Passes everything to an inner store and records the size of every outcome batch its claims record.</summary>
    private sealed class CountingRecoveryStore(IRecoveryStore inner) : IRecoveryStore
    {
        public List<int> RecordSizes { get; } = [];

        public Task<bool> TryAddAsync(RecoveryStatus recovery, IReadOnlyList<TransactionId> transactionIds, CancellationToken cancellationToken = default) => inner.TryAddAsync(recovery, transactionIds, cancellationToken);

        public async Task<IRecoveryClaim?> TryAddClaimedAsync(RecoveryStatus recovery, IReadOnlyList<TransactionId> transactionIds, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) =>
            await inner.TryAddClaimedAsync(recovery, transactionIds, now, leaseUntil, cancellationToken) is { } claim ? new CountingClaim(claim, RecordSizes) : null;

        public Task<IRecoveryClaim?> TryClaimNextAsync(DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) => inner.TryClaimNextAsync(now, leaseUntil, cancellationToken);

        public Task<RecoveryStatus?> GetAsync(Guid recoveryId, CancellationToken cancellationToken = default) => inner.GetAsync(recoveryId, cancellationToken);

        public Task<RecoveryStatus?> GetLatestForPartyAsync(PartyName party, CancellationToken cancellationToken = default) => inner.GetLatestForPartyAsync(party, cancellationToken);

        public Task<IReadOnlyList<RecoveryStatus>> GetHistoryAsync(PartyName? party, int limit, CancellationToken cancellationToken = default) => inner.GetHistoryAsync(party, limit, cancellationToken);

        public Task<IReadOnlyList<RecoveryStatus>> GetActiveAsync(CancellationToken cancellationToken = default) => inner.GetActiveAsync(cancellationToken);

        public Task<IReadOnlyList<RecoveryItem>> GetItemsAsync(Guid recoveryId, RecoveryItemOutcome? outcome, int? afterPosition, int limit, CancellationToken cancellationToken = default) => inner.GetItemsAsync(recoveryId, outcome, afterPosition, limit, cancellationToken);

        public Task<IReadOnlyList<RecoveryStatus>> StopForPartyAsync(PartyName party, string reason, DateTimeOffset now, CancellationToken cancellationToken = default) => inner.StopForPartyAsync(party, reason, now, cancellationToken);
    }

    private sealed class CountingClaim(IRecoveryClaim inner, List<int> sizes) : IRecoveryClaim
    {
        public RecoveryStatus Recovery => inner.Recovery;

        public Task<bool> RenewAsync(DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) => inner.RenewAsync(leaseUntil, cancellationToken);

        public Task<bool> RecordAsync(IReadOnlyList<RecoveryItem> outcomes, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            if (outcomes.Count > 0)
            {
                sizes.Add(outcomes.Count);
            }

            return inner.RecordAsync(outcomes, now, cancellationToken);
        }

        public Task<bool> FinishAsync(RecoveryState state, string? error, DateTimeOffset now, CancellationToken cancellationToken = default) => inner.FinishAsync(state, error, now, cancellationToken);

        public Task<bool> ReleaseAsync(DateTimeOffset now, CancellationToken cancellationToken = default) => inner.ReleaseAsync(now, cancellationToken);
    }
}
