using System.Data.Common;
using Dapper;
using LedgerSync.Dapper;
using LedgerSync.Dapper.TransactionSources;
using LedgerSync.Ledger;

namespace LedgerSync.Tests.TransactionSources;

/// <summary>The behaviour every dialect must show; subclasses provide the database and the host's table shape.</summary>
public abstract class SqlTransactionSourceTests
{
    protected static readonly PartyName Local = PartyName.Parse("O=Local, L=London, C=GB");

    protected abstract SqlDialect Dialect { get; }

    /// <summary>The host's query over the tables <see cref="CreateTablesAsync"/> makes.</summary>
    protected abstract string Query { get; }

    protected abstract DbConnection CreateConnection();

    protected abstract Task CreateTablesAsync();

    protected abstract Task InsertAsync(IEnumerable<TransactionMetadata> transactions);

    /// <summary>Inserts a row as raw column text: id, dependencies, participants.</summary>
    protected abstract Task InsertRawAsync(string id, string? dependencies, string? participants);

    [SetUp]
    public async Task SetUpTablesAsync() => await CreateTablesAsync();

    protected SqlTransactionSource CreateSource(bool countTotal = true) => new(new SqlTransactionSourceOptions
    {
        ConnectionFactory = CreateConnection,
        Dialect = Dialect,
        Query = Query,
        CountTotal = countTotal,
    });

    [Test]
    public async Task InitializeAsync_ThroughSource_LoadsEveryTransactionWithItsMetadata()
    {
        var ledger = SqlTestLedger.Random(seed: 11, count: 1_234);
        await InsertAsync(ledger);
        var graph = new LedgerGraph(new LedgerSyncOptions { LocalParty = Local, TransactionReaderPageSize = 100 });

        await graph.InitializeAsync(CreateSource());

        Assert.That(graph.Count, Is.EqualTo(ledger.Count));
        Assert.That(graph.IsSelfConsistent, Is.True, string.Join("; ", graph.Errors));
        var sample = ledger[617];
        Assert.That(graph.TryGetTransaction(sample.Id, out var stored), Is.True);
        Assert.That(stored!.Dependencies, Is.EquivalentTo(sample.Dependencies));
        Assert.That(stored.Participants, Is.EquivalentTo(sample.Participants));
        var counterparty = SqlTestLedger.Party(2);
        Assert.That(graph.GetRelevantSet(counterparty).Snapshot(), Is.EquivalentTo(SqlTestLedger.ExpectedRelevantSet(ledger, Local, counterparty)));
    }

    [Test]
    public async Task ReadPageAsync_AllPages_EveryRowOnceInKeyOrder()
    {
        var ledger = SqlTestLedger.Random(seed: 12, count: 257);
        await InsertAsync(ledger);
        var source = CreateSource();
        var ids = new List<TransactionId>();
        object? continuation = null;
        var pages = 0;
        do
        {
            var page = await source.ReadPageAsync(continuation, pageSize: 50);
            Assert.That(page.Records, Has.Count.LessThanOrEqualTo(50));
            ids.AddRange(page.Records.Select(r => r.Metadata!.Id));
            continuation = page.Continuation;
            pages++;
        }
        while (continuation is not null);

        Assert.That(ids, Is.EquivalentTo(ledger.Select(t => t.Id)));
        Assert.That(ids, Is.Ordered);
        Assert.That(pages, Is.EqualTo(6));
    }

    [Test]
    public async Task GetTotalCountAsync_CountingOnOrOff_ReturnsRowsOrNull()
    {
        await InsertAsync(SqlTestLedger.Random(seed: 13, count: 42));

        Assert.That(await CreateSource().GetTotalCountAsync(), Is.EqualTo(42));
        Assert.That(await CreateSource(countTotal: false).GetTotalCountAsync(), Is.Null);
    }

    [Test]
    public async Task ReadPageAsync_EmptyTables_OneEmptyLastPage()
    {
        var page = await CreateSource().ReadPageAsync(null, 100);

        Assert.That(page.Records, Is.Empty);
        Assert.That(page.IsLast, Is.True);
    }

    [Test]
    public async Task InitializeAsync_MalformedRows_ReportedAsInvalidDataNamingTheRowAndTheRestLoads()
    {
        var good = SqlTestLedger.Random(seed: 14, count: 30);
        await InsertAsync(good);
        var badDependency = SqlTestLedger.Id(9_001);
        var badParty = SqlTestLedger.Id(9_002);
        await InsertRawAsync(badDependency.ToString(), "not-an-id", Local.ToString());
        await InsertRawAsync(badParty.ToString(), null, "O=Broken");
        var graph = new LedgerGraph(new LedgerSyncOptions { LocalParty = Local, TransactionReaderPageSize = 10 });

        await graph.InitializeAsync(CreateSource());

        Assert.That(graph.Count, Is.EqualTo(good.Count));
        Assert.That(graph.IsInitialized, Is.True);
        Assert.That(graph.IsSelfConsistent, Is.False);
        var errors = graph.Errors;
        Assert.That(errors.Select(e => (e.TransactionId, e.Kind)), Is.EquivalentTo(new[]
        {
            (badDependency, LedgerGraphErrorKind.InvalidData),
            (badParty, LedgerGraphErrorKind.InvalidData),
        }));
        Assert.That(errors.Single(e => e.TransactionId == badDependency).Message, Does.Contain("dependencies column").And.Contain(badDependency.ToString()));
        Assert.That(errors.Single(e => e.TransactionId == badParty).Message, Does.Contain("O=Broken"));
    }

    [Test]
    public async Task InitializeAsync_RowsReferToRowsNotInTables_ReportsMissingDependency()
    {
        var ledger = SqlTestLedger.Random(seed: 15, count: 100);
        await InsertAsync(ledger.Where((_, i) => i != 10));
        var graph = new LedgerGraph(new LedgerSyncOptions { LocalParty = Local, TransactionReaderPageSize = 10 });

        await graph.InitializeAsync(CreateSource());

        var dependants = ledger.Where(t => t.Dependencies.Contains(ledger[10].Id)).Select(t => t.Id).ToList();
        Assert.That(graph.Errors.Select(e => e.Kind), Is.All.EqualTo(LedgerGraphErrorKind.MissingDependency));
        Assert.That(graph.Errors.Select(e => e.TransactionId), Is.EquivalentTo(dependants));
    }

    [Test]
    public void Constructor_NoQuery_ThrowsNamingTheOption()
    {
        Assert.That(() => new SqlTransactionSource(new SqlTransactionSourceOptions { ConnectionFactory = CreateConnection }),
            Throws.ArgumentException.With.Message.Contains("Query"));
    }

    protected static async Task ExecuteAsync(DbConnection connection, string sql, object? parameters = null)
    {
        await using (connection)
        {
            await connection.ExecuteAsync(sql, parameters);
        }
    }
}
