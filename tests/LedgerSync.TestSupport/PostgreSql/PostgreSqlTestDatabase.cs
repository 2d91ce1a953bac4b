using System.Globalization;
using Npgsql;
using NUnit.Framework;

namespace LedgerSync.Testing.PostgreSql;

/// <summary>
/// A fresh, empty PostgreSQL database for one test fixture, dropped on dispose. Create it in <c>[OneTimeSetUp]</c>
/// and dispose it in <c>[OneTimeTearDown]</c>. When no server is available, <see cref="CreateAsync"/> fails the
/// fixture's tests under CI (<c>CI=true</c>) and skips them elsewhere with a message saying how to enable them
/// (<see cref="PostgreSqlTestPolicy"/>). Tag such fixtures <c>[Category("PostgreSQL")]</c>: <c>.ci/run</c> fails when
/// any test of that category was skipped.
/// </summary>
public sealed class PostgreSqlTestDatabase : IAsyncDisposable
{
    private readonly string _adminConnectionString;

    private PostgreSqlTestDatabase(string adminConnectionString, string name)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>The database's name (<c>ledgersync_test_…</c>).</summary>
    public string Name { get; }

    /// <summary>A connection string to the database.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates the database, or, if no PostgreSQL server is available, fails (under CI) or skips the calling fixture's tests.</summary>
    public static async Task<PostgreSqlTestDatabase> CreateAsync()
    {
        var server = await PostgreSqlTestServer.AcquireAsync();
        if (server.AdminConnectionString is null)
        {
            await PostgreSqlTestServer.ReleaseAsync();
            Unavailable(server.UnavailableReason ?? "No PostgreSQL server is available.");
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"ledgersync_test_{Guid.NewGuid():N}");
        try
        {
            await using var connection = new NpgsqlConnection(server.AdminConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception exception) when (exception is NpgsqlException or ArgumentException or InvalidOperationException)
        {
            await PostgreSqlTestServer.ReleaseAsync();
            Unavailable($"The PostgreSQL server could not be used ({exception.Message}). Check {PostgreSqlTestServer.EnvironmentVariable} or install PostgreSQL's server.");
        }

        return new PostgreSqlTestDatabase(server.AdminConnectionString!, name);
    }

    /// <summary>Fails or skips the calling fixture's tests, as <see cref="PostgreSqlTestPolicy"/> decides.</summary>
    private static void Unavailable(string reason)
    {
        var action = PostgreSqlTestPolicy.Decide(Environment.GetEnvironmentVariable);
        var message = PostgreSqlTestPolicy.Message(action, reason, Environment.GetEnvironmentVariable);
        if (action == PostgreSqlUnavailableAction.Fail)
        {
            Assert.Fail(message);
        }

        Assert.Ignore(message);
    }

    /// <summary>A new (closed) connection to the database.</summary>
    public NpgsqlConnection CreateConnection() => new(ConnectionString);

    /// <summary>Drops the database (closing its connections first) and releases the server (a throwaway server stops with its last database).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await using (var connection = new NpgsqlConnection(ConnectionString))
            {
                NpgsqlConnection.ClearPool(connection);
            }

            await using var admin = new NpgsqlConnection(_adminConnectionString);
            await admin.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", admin);
            await command.ExecuteNonQueryAsync();
            NpgsqlConnection.ClearPool(admin);
        }
        finally
        {
            await PostgreSqlTestServer.ReleaseAsync();
        }
    }
}
