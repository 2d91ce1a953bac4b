namespace LedgerSync.Dashboard;

/// <summary>
/// The event IDs of the dashboard's log messages (range 8000–8999), one named constant per event.
/// </summary>
public static class LedgerSyncDashboardEventId
{
    // Startup (8000–8009)

    /// <summary>Warning: <c>The LedgerSync dashboard at {Path} allows anonymous access (LedgerSyncDashboardOptions.AllowAnonymous): anyone who can reach this address can read party names and statuses, and schedule and stop reconciliations. Require an authorization policy outside a closed test network.</c></summary>
    public const int AnonymousAccess = 8000;

    // The audit trail of operator actions (8010–8999)

    /// <summary>Information: <c>Dashboard user {User} ran {Action} (parties: {Parties})</c></summary>
    public const int ActionDone = 8010;

    /// <summary>Information: <c>Dashboard user {User} ran {Action} (parties: {Parties}); refused: {Reason}</c></summary>
    public const int ActionRefused = 8011;

    /// <summary>Error: <c>Dashboard user {User} ran {Action} (parties: {Parties}); it failed</c></summary>
    public const int ActionFailed = 8012;
}
