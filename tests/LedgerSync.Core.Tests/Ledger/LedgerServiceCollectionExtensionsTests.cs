using LedgerSync.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static LedgerSync.Tests.Ledger.LedgerTestData;

namespace LedgerSync.Tests.Ledger;

public sealed class LedgerServiceCollectionExtensionsTests
{
    [Test]
    public void AddLedgerSync_CalledTwice_OneGraphOneInitializerInMemorySourceByDefault()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLedgerSync(o => o.LocalParty = Local);
        services.AddLedgerSync();
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<ILedgerGraph>(), Is.SameAs(provider.GetRequiredService<LedgerGraph>()));
        Assert.That(provider.GetServices<IHostedService>().OfType<LedgerGraphInitializer>().Count(), Is.EqualTo(1));
        Assert.That(provider.GetRequiredService<ITransactionSource>(), Is.TypeOf<InMemoryTransactionSource>());
    }

    [Test]
    public void UseTransactionSource_Type_ReplacesDefault()
    {
        var services = new ServiceCollection();
        services.AddLedgerSync().UseTransactionSource<FixedSource>();
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<ITransactionSource>(), Is.TypeOf<FixedSource>());
    }

    [Test]
    public void UseTransactionSource_Factory_ReplacesDefault()
    {
        var source = new InMemoryTransactionSource();
        var services = new ServiceCollection();
        services.AddLedgerSync().UseTransactionSource(_ => source);
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<ITransactionSource>(), Is.SameAs(source));
    }

    [Test]
    public async Task HostStart_WithSourceAndDecoder_GraphInitializesInBackground()
    {
        var source = new InMemoryTransactionSource(RandomLedger(seed: 5, count: 300));
        var progress = new LastProgress();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<IProgress<LedgerGraphLoadProgress>>(progress);
        builder.Services.AddLedgerSync(o => o.LocalParty = Local).UseTransactionSource(source);
        using var host = builder.Build();

        await host.StartAsync();
        var graph = host.Services.GetRequiredService<ILedgerGraph>();
        await graph.WhenInitializedAsync().WaitAsync(TimeSpan.FromSeconds(30));

        await host.StopAsync();
        Assert.That(graph.IsInitialized, Is.True);
        Assert.That(graph.Count, Is.EqualTo(300));
        Assert.That(progress.Last?.IsComplete, Is.True);
    }

    private sealed class FixedSource : ITransactionSource
    {
        public ValueTask<long?> GetTotalCountAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<long?>(0);

        public ValueTask<TransactionPage> ReadPageAsync(object? continuation, int pageSize, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(TransactionPage.Empty);
    }

    private sealed class LastProgress : IProgress<LedgerGraphLoadProgress>
    {
        public LedgerGraphLoadProgress? Last { get; private set; }

        public void Report(LedgerGraphLoadProgress value) => Last = value;
    }
}
