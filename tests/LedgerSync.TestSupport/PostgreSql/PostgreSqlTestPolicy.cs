namespace LedgerSync.Testing.PostgreSql;

/// <summary>What a PostgreSQL test fixture does when no server can be had.</summary>
public enum PostgreSqlUnavailableAction
{
    /// <summary>Skip the fixture's tests with a message saying how to enable them (a developer's machine).</summary>
    Skip,

    /// <summary>Fail the fixture's tests: CI must run them, or the server the developer named could not be used.</summary>
    Fail,
}

/// <summary>
/// Decides whether PostgreSQL tests without a server are skipped or failed. Under CI (<c>CI</c> set to
/// <c>true</c>/<c>1</c>/<c>yes</c>, as CI services and <c>.ci/run</c> set it) they fail, so a build cannot go green
/// without them; they also fail when <see cref="PostgreSqlTestServer.EnvironmentVariable"/> names a server that could
/// not be used (a misconfiguration, not a missing tool). Otherwise they are skipped with how to enable them.
/// </summary>
public static class PostgreSqlTestPolicy
{
    /// <summary>The environment variable CI services set.</summary>
    public const string CiVariable = "CI";

    /// <summary>Decides from <paramref name="environment"/> (for example <see cref="Environment.GetEnvironmentVariable(string)"/>).</summary>
    public static PostgreSqlUnavailableAction Decide(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return IsTrue(environment(CiVariable)) || !string.IsNullOrWhiteSpace(environment(PostgreSqlTestServer.EnvironmentVariable))
            ? PostgreSqlUnavailableAction.Fail
            : PostgreSqlUnavailableAction.Skip;
    }

    /// <summary>The message for the decided action: why there is no server and what to do about it.</summary>
    public static string Message(PostgreSqlUnavailableAction action, string reason, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (action == PostgreSqlUnavailableAction.Skip)
        {
            return reason;
        }

        var why = IsTrue(environment(CiVariable))
            ? $"{CiVariable}={environment(CiVariable)}: the PostgreSQL tests must run here, and they are failed rather than skipped so that the build cannot pass without them."
            : $"{PostgreSqlTestServer.EnvironmentVariable} is set, but that server could not be used.";
        return $"{why} {reason}";
    }

    /// <summary>Whether an environment value means "on": <c>true</c>, <c>1</c> or <c>yes</c>, any case.</summary>
    public static bool IsTrue(string? value) =>
        value?.Trim().ToUpperInvariant() is "TRUE" or "1" or "YES";
}
