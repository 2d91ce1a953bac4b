using LedgerSync.Dapper;
using LedgerSync.Dapper.Scheduling;
using LedgerSync.Testing.Scheduling;
using LedgerSync.Tests.Status;

namespace LedgerSync.Tests.Scheduling;

/// <summary>The job-store contract on the SQL store.</summary>
public abstract class SqlJobStoreTests(SqlDialect dialect) : JobStoreContractTests
{
    private SqlTestDatabase _database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _database = await SqlTestDatabase.CreateAsync(dialect);

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    protected override async Task<object> CreateStoreAsync()
    {
        await _database.ResetAsync();
        return new SqlReconciliationJobStore(dialect, _database.CreateConnection);
    }
}

[TestFixture]
public sealed class SqliteJobStoreTests() : SqlJobStoreTests(SqlDialect.Sqlite);

[TestFixture]
[Category("PostgreSQL")]
public sealed class PostgreSqlJobStoreTests() : SqlJobStoreTests(SqlDialect.PostgreSql);
