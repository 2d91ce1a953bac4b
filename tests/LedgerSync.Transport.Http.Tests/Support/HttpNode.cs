using System.Security.Cryptography.X509Certificates;
using LedgerSync.Transport;
using LedgerSync.Transport.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LedgerSync.Tests.Support;

/// <summary>One node in a test: a service provider with the HTTP transport and a listener on 127.0.0.1 with a random port.</summary>
internal sealed class HttpNode : IAsyncDisposable
{
    private HttpNode(PartyName party, ServiceProvider services)
    {
        Party = party;
        Services = services;
    }

    private readonly List<IHostedService> _started = [];

    public PartyName Party { get; }

    public ServiceProvider Services { get; }

    public LedgerSyncHttpListener Listener => Services.GetRequiredService<LedgerSyncHttpListener>();

    public IPeerTransport Transport => Services.GetRequiredService<IPeerTransport>();

    public Uri Address => Listener.Addresses[0];

    public static async Task<HttpNode> StartAsync(
        PartyName party,
        X509Certificate2 certificate,
        IEnumerable<X509Certificate2> roots,
        IInboundSessionHandler? handler = null,
        Action<LedgerSyncOptions>? configureCore = null,
        Action<LedgerSyncHttpOptions>? configureHttp = null,
        TimeProvider? timeProvider = null,
        Action<IServiceCollection>? configureServices = null,
        bool listen = true,
        Action<ILedgerSyncBuilder>? configureLedgerSync = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(new TestContextLoggerProvider(party)));
        if (timeProvider is not null)
        {
            services.AddSingleton(timeProvider);
        }

        var builder = services.AddLedgerSync(o =>
            {
                o.LocalParty = party;
                o.SessionTimeout = TimeSpan.FromSeconds(30);
                configureCore?.Invoke(o);
            })
            .UseHttpTransport(o =>
            {
                o.Certificate = certificate;
                foreach (var root in roots)
                {
                    o.TrustedRootCertificates.Add(root);
                }

                if (listen)
                {
                    o.ListenUrls.Add("https://127.0.0.1:0");
                }

                configureHttp?.Invoke(o);
            });
        configureLedgerSync?.Invoke(builder);
        if (handler is not null)
        {
            services.AddSingleton(handler);
        }

        configureServices?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
        _ = provider.GetRequiredService<IOptions<LedgerSyncHttpOptions>>().Value;
        var node = new HttpNode(party, provider);
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
            node._started.Add(hosted);
        }

        return node;
    }

    /// <summary>Adds <paramref name="other"/> to this node's peer directory (before the first session to it).</summary>
    public void Knows(HttpNode other, PartyName? asParty = null) =>
        Services.GetRequiredService<IOptions<LedgerSyncHttpOptions>>().Value.Peers.Add(new LedgerSyncHttpPeer { Party = (asParty ?? other.Party).ToString(), Address = other.Address });

    public async ValueTask DisposeAsync()
    {
        using var now = new CancellationTokenSource();
        await now.CancelAsync();
        foreach (var hosted in Enumerable.Reverse(_started))
        {
            try
            {
                await hosted.StopAsync(now.Token);
            }
            catch (OperationCanceledException)
            {
                // Stopping abruptly on purpose.
            }
        }

        await Listener.DisposeAsync();
        await Services.DisposeAsync();
    }
}
