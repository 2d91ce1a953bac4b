using LedgerSync.Diagnostics;
using LedgerSync.Ledger;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NSubstitute;
using static LedgerSync.Tests.Diagnostics.DiagnosticsTestContext;

namespace LedgerSync.Tests.Diagnostics;

public sealed class LedgerSyncHealthCheckTests
{
    private DiagnosticsTestContext _context = null!;
    private LedgerSyncHealthCheck _check = null!;

    [SetUp]
    public void SetUp()
    {
        _context = new DiagnosticsTestContext();
        _check = new LedgerSyncHealthCheck(_context.Monitor);
    }

    [Test]
    public async Task CheckHealthAsync_ConsistentGraphNoFailures_IsHealthyWithCounts()
    {
        _context.AddRow(PartyB, ReconciliationState.DifferencesFound);
        _context.AddRow(PartyC, ReconciliationState.DifferencesNotFound);
        _context.StartRun(PartyD, waitingOn: RunWaitReason.PoolSlot);

        var result = await _check.CheckHealthAsync(Context());

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Healthy));
        Assert.That(result.Data, Is.EquivalentTo(new Dictionary<string, object>
        {
            ["ledgerGraphIsInitialized"] = true,
            ["ledgerGraphIsSelfConsistent"] = true,
            ["ledgerGraphErrors"] = 0,
            ["scheduled"] = 1,
            ["inProgress"] = 0,
            ["failed"] = 0,
            ["withDifferences"] = 1,
            ["withoutDifferences"] = 1,
            ["incomingInProgress"] = 0,
        }));
    }

    [Test]
    public async Task CheckHealthAsync_GraphInitializing_IsDegraded()
    {
        _context.LedgerGraph.IsInitialized.Returns(false);
        _context.LedgerGraph.IsSelfConsistent.Returns(false);

        var result = await _check.CheckHealthAsync(Context());

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(result.Description, Does.Contain("initializing"));
    }

    [Test]
    public async Task CheckHealthAsync_LatestRunWithAPartyFailed_IsDegradedNamingIt()
    {
        _context.AddRow(PartyB, ReconciliationState.DifferencesFound);
        _context.AddRow(PartyC, ReconciliationState.Failed);

        var result = await _check.CheckHealthAsync(Context());

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(result.Description, Does.Contain("O=PartyC, L=Ottawa, C=CA"));
        Assert.That(result.Data["failedParties"], Is.EqualTo(new List<string> { "O=PartyC, L=Ottawa, C=CA" }));
    }

    [Test]
    public async Task CheckHealthAsync_GraphNotSelfConsistent_IsUnhealthyQuotingTheFirstError()
    {
        var error = new LedgerGraphError(
            TransactionId.Random(new Random(3)), LedgerGraphErrorKind.MissingDependency, "Transaction 0A depends on missing transaction 0B.");
        _context.LedgerGraph.IsSelfConsistent.Returns(false);
        _context.LedgerGraph.Errors.Returns([error]);
        _context.AddRow(PartyC, ReconciliationState.Failed);

        var result = await _check.CheckHealthAsync(Context());

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(result.Description, Does.Contain("not self-consistent").And.Contain(error.Message));
        Assert.That(result.Data["ledgerGraphErrors"], Is.EqualTo(1));
    }

    [Test]
    public async Task CheckHealthAsync_GraphNotSelfConsistentWithDegradedFailureStatus_UsesTheRegistrationsFailureStatus()
    {
        _context.LedgerGraph.IsSelfConsistent.Returns(false);

        var result = await _check.CheckHealthAsync(Context(HealthStatus.Degraded));

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Degraded));
    }

    [Test]
    public async Task CheckHealthAsync_StatusStoreThrows_ReportsFailureWithTheException()
    {
        var failure = new InvalidOperationException("database is locked");
        _context.StoreFailure = failure;

        var result = await _check.CheckHealthAsync(Context());

        Assert.That(result.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(result.Exception, Is.SameAs(failure));
    }

    [Test]
    public void CreateRegistration_Defaults_ResolvesTheRegisteredCheck()
    {
        var services = Substitute.For<IServiceProvider>();
        services.GetService(typeof(LedgerSyncHealthCheck)).Returns(_check);

        var registration = LedgerSyncHealthCheck.CreateRegistration(tags: ["ready"]);

        Assert.That(registration.Name, Is.EqualTo("ledgersync"));
        Assert.That(registration.Tags, Is.EquivalentTo(new List<string> { "ready" }));
        Assert.That(registration.Factory(services), Is.SameAs(_check));
    }

    private HealthCheckContext Context(HealthStatus failureStatus = HealthStatus.Unhealthy) =>
        new() { Registration = new HealthCheckRegistration("ledgersync", _check, failureStatus, tags: null) };
}
