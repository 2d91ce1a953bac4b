using LedgerSync.Flows;
using LedgerSync.Ledger;
using LedgerSync.Recovery;
using LedgerSync.Recovery.Manual;
using Microsoft.Extensions.DependencyInjection;

namespace LedgerSync.Tests.Recovery.Manual;

/// <summary>The manual-recovery flows by name, as a shell starts them, on a container built by <c>AddLedgerSync()</c>.</summary>
[TestFixture]
public sealed class ManualRecoveryFlowCommandTests
{
    private static readonly PartyName A = ManualRecoveryTestLedger.A;
    private static readonly PartyName B = ManualRecoveryTestLedger.B;

    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"ledgersync-manual-flows-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task StartFlowAsync_ExportThenImportByName_MovesTheTransactionsAndListsTheFlows()
    {
        var ledger = new ManualRecoveryTestLedger(shared: 30);
        var sink = new InMemoryRecoveredTransactionSink();
        await using var nodeB = await StartAsync(B, ledger.Metadata, s => s.UseTransactionPayloadSource(ledger.PayloadSource()));
        await using var nodeA = await StartAsync(A, [], s => s.UseTransactionDecoder(new TestTransactionCodec()).UseRecoveredTransactionSink(sink));
        var file = Path.Combine(_directory, "for-partya.zip");

        var exported = await nodeB.GetRequiredService<ReconciliationFlows>().StartFlowAsync($"flow start ExportTransactionsForPartyFlow party: \"{A}\", file: \"{file}\"");
        var imported = await nodeA.GetRequiredService<ReconciliationFlows>().StartFlowAsync($"flow start ImportTransactionsFlow party: \"{B}\", file: \"{file}\"");
        var status = await nodeA.GetRequiredService<ReconciliationFlows>().StartFlowAsync($"flow start GetRecoveryStatusForPartyFlow party: \"{B}\"");

        Assert.That(exported, Is.TypeOf<ExportTransactionsForPartyFlowResult>());
        var export = ((ExportTransactionsForPartyFlowResult)exported).Export;
        Assert.That(export, Has.Property(nameof(ManualExportResult.Exported)).EqualTo(ledger.Shared.Count + ledger.BackChain.Count).And.Property(nameof(ManualExportResult.FilePath)).EqualTo(file));
        Assert.That(exported.ToString(), Is.EqualTo("Flow completed with result: " + export));
        Assert.That(imported, Is.TypeOf<ImportTransactionsFlowResult>());
        var importedStatus = ((ImportTransactionsFlowResult)imported).Status;
        Assert.That(importedStatus.State, Is.EqualTo(RecoveryState.Finished));
        Assert.That(status, Is.TypeOf<GetRecoveryStatusForPartyFlowResult>().With.Property(nameof(GetRecoveryStatusForPartyFlowResult.Status)).EqualTo(importedStatus));
        Assert.That(sink.Stored.Keys, Is.EquivalentTo(ledger.Shared.Concat(ledger.BackChain)));
        Assert.That(ReconciliationFlows.FlowNamesList, Does.Contain(ManualRecoveryFlowNames.ExportTransactionsForParty).And.Contain(ManualRecoveryFlowNames.ImportTransactions));
    }

    [Test]
    public async Task StartFlowAsync_ImportWithoutFile_ThrowsFlowArgumentExceptionNamingTheParameter()
    {
        await using var nodeA = await StartAsync(A, [], s => s.UseTransactionDecoder(new TestTransactionCodec()).UseRecoveredTransactionSink(new InMemoryRecoveredTransactionSink()));

        Assert.That(async () => await nodeA.GetRequiredService<ReconciliationFlows>().StartFlowAsync($"flow start ImportTransactionsFlow party: \"{B}\""),
            Throws.TypeOf<FlowArgumentException>().With.Message.Contains("'file' is required"));
    }

    [Test]
    public async Task ExportTransactionsForPartyAsync_GraphNotLoaded_RefusesAtOnce()
    {
        var services = new ServiceCollection();
        services.AddLedgerSync(o => o.LocalParty = B).UseTransactionPayloadSource(new InMemoryTransactionPayloadSource());
        await using var provider = services.BuildServiceProvider();

        Assert.That(async () => await provider.GetRequiredService<ManualRecoveryFlows>().ExportTransactionsForPartyAsync(A, Path.Combine(_directory, "x.zip")),
            Throws.TypeOf<LedgerGraphNotReadyException>());
    }

    private static async Task<ServiceProvider> StartAsync(PartyName party, IEnumerable<TransactionMetadata> ledger, Action<ILedgerSyncBuilder> plugIns)
    {
        var services = new ServiceCollection();
        var builder = services.AddLedgerSync(o => o.LocalParty = party);
        plugIns(builder);
        var provider = services.BuildServiceProvider();
        var graph = (LedgerGraph)provider.GetRequiredService<ILedgerGraph>();
        await graph.InitializeAsync(new InMemoryTransactionSource(ledger));
        return provider;
    }
}
