using LedgerSync.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace LedgerSync.Tests.Protocol;

public sealed class IncomingRequestRateLimiterTests
{
    private static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");

    private FakeTimeProvider _time = null!;
    private LedgerSyncOptions _options = null!;
    private IncomingRequestRateLimiter _limiter = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider();
        _options = new LedgerSyncOptions { TimeWindowForReconciliationRequestLimit = TimeSpan.FromMinutes(16) };
        _limiter = new IncomingRequestRateLimiter(new TestOptionsMonitor<LedgerSyncOptions>(_options), _time);
    }

    [Test]
    public void TryAcquire_HugeLimit_KeepsFixedMemoryPerParty()
    {
        _options.MaxAllowedReconciliationRequestsPerTimeWindow = int.MaxValue;

        for (var i = 0; i < 100_000; i++)
        {
            Assert.That(_limiter.TryAcquire(PartyA, out _, out _), Is.True);
        }

        Assert.That(_limiter.TrackedParties, Is.EqualTo(1));
    }

    [Test]
    public void TryAcquire_SlidingWindow_NeverAdmitsMoreThanTheLimitInAnyWindow()
    {
        _options.MaxAllowedReconciliationRequestsPerTimeWindow = 3;
        var admitted = new List<DateTimeOffset>();
        for (var step = 0; step < 200; step++)
        {
            if (_limiter.TryAcquire(PartyA, out _, out _))
            {
                admitted.Add(_time.GetUtcNow());
            }

            _time.Advance(TimeSpan.FromSeconds(37));
        }

        var window = _options.TimeWindowForReconciliationRequestLimit;
        Assert.That(admitted.Select(t => admitted.Count(u => u > t - window && u <= t)).Max(), Is.LessThanOrEqualTo(3));
        Assert.That(admitted, Has.Count.GreaterThan(3 * (200 * 37 / (int)window.TotalSeconds) - 3), "the window slides");
    }

    [Test]
    public void TryAcquire_ManySilentParties_ForgetsThemAfterTheWindow()
    {
        _options.MaxAllowedReconciliationRequestsPerTimeWindow = 5;
        for (var i = 0; i < 1000; i++)
        {
            _limiter.TryAcquire(PartyName.Parse($"O=Party{i}, L=London, C=GB"), out _, out _);
        }

        _time.Advance(TimeSpan.FromHours(1));
        for (var i = 0; i < 300; i++)
        {
            _limiter.TryAcquire(PartyName.Parse($"O=Late{i}, L=London, C=GB"), out _, out _);
        }

        Assert.That(_limiter.TrackedParties, Is.LessThan(600));
    }
}
