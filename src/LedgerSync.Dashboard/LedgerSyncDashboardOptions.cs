namespace LedgerSync.Dashboard;

/// <summary>
/// Options of the LedgerSync dashboard (<c>services.AddLedgerSyncDashboard(o =&gt; ...)</c>). By default every page and
/// action requires the host's default authorization policy (an authenticated user); set
/// <see cref="AuthorizationPolicy"/> to require a named policy instead, or <see cref="AllowAnonymous"/> to open it to
/// anyone who can reach the address (logged as a warning at startup).
/// </summary>
public sealed class LedgerSyncDashboardOptions
{
    /// <summary>The smallest accepted <see cref="LiveRefreshInterval"/>: 250 ms.</summary>
    public static readonly TimeSpan MinLiveRefreshInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The name of the authorization policy every dashboard endpoint requires, for example <c>"LedgerSyncOperators"</c>;
    /// <see langword="null"/> (default) requires the host's default policy, which admits any authenticated user.
    /// </summary>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>
    /// Serves the dashboard without authorization. Anyone who can reach the address can then read party names and
    /// stop reconciliations, so the dashboard logs a warning when it is mapped. Default <see langword="false"/>.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>The heading shown on every page, for example the node's name. Default <c>LedgerSync</c>.</summary>
    public string Title { get; set; } = "LedgerSync";

    /// <summary>How many transaction IDs the party page shows per page (1 to 10,000). Default 100.</summary>
    public int TransactionIdsPageSize { get; set; } = 100;

    /// <summary>The most <see cref="RunHistoryPageSize"/> accepted: 500.</summary>
    public const int MaxRunHistoryPageSize = 500;

    /// <summary>How many past runs the party page shows per page of its run history (1 to <see cref="MaxRunHistoryPageSize"/>). Default 20.</summary>
    public int RunHistoryPageSize { get; set; } = 20;

    /// <summary>How often the live page asks the server for the in-flight runs. Default 1 second; at least <see cref="MinLiveRefreshInterval"/>.</summary>
    public TimeSpan LiveRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);
}
