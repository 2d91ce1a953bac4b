using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LedgerSync.Transport.Http;

/// <summary>
/// A self-hosted Kestrel server for nodes that are not ASP.NET Core apps: binds
/// <see cref="LedgerSyncHttpOptions.ListenUrls"/> (HTTP/2 over TLS, client certificates required) and serves the
/// session endpoint at <see cref="LedgerSyncHttpOptions.Path"/>. Registered as a hosted service by
/// <c>UseHttpTransport()</c>; it does nothing when no listen address is configured.
/// </summary>
public sealed partial class LedgerSyncHttpListener : IHostedService, IAsyncDisposable
{
    private readonly LedgerSyncHttpOptions _options;
    private readonly LedgerSyncSessionEndpoint _endpoint;
    private readonly HttpTransportSecurity _security;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<LedgerSyncHttpListener> _logger;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private WebApplication? _app;

    internal LedgerSyncHttpListener(
        IOptions<LedgerSyncHttpOptions> options,
        LedgerSyncSessionEndpoint endpoint,
        HttpTransportSecurity security,
        ILoggerFactory loggerFactory)
    {
        _options = options.Value;
        _endpoint = endpoint;
        _security = security;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<LedgerSyncHttpListener>();
    }

    /// <summary>The addresses the listener is bound to (with the actual ports), empty while stopped.</summary>
    public IReadOnlyList<Uri> Addresses { get; private set; } = [];

    /// <summary>Binds the configured addresses and starts serving sessions.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_app is not null)
            {
                return;
            }

            if (_options.ListenUrls.Count == 0)
            {
                Log.ListenerNotConfigured(_logger);
                return;
            }

            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.Services.AddSingleton(_loggerFactory);
            builder.Services.TryAdd(ServiceDescriptor.Singleton(typeof(ILogger<>), typeof(Logger<>)));
            builder.Services.AddSingleton(_security);
            builder.Services.AddSingleton(Options.Create(_options));
            builder.Services.AddRouting();
            builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                foreach (var url in _options.ListenUrls)
                {
                    if (!ListenUrl.TryParse(url, out var endPoint, out var error))
                    {
                        throw new LedgerSyncConfigurationException($"LedgerSync:Http:ListenUrls: {error}", "LedgerSync:Http:ListenUrls");
                    }

                    kestrel.Listen(endPoint, listen => listen.UseLedgerSyncHttps());
                }
            });

            var app = builder.Build();
            app.UseRouting();
            app.MapPost(_options.Path, _endpoint.HandleAsync);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            _app = app;
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            Addresses = [.. addresses.Select(a => new Uri(a))];
            var bound = string.Join(", ", Addresses);
            Log.ListenerStarted(_logger, bound, _options.Path);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Stops accepting sessions and ends the ones in progress (gracefully until <paramref name="cancellationToken"/> fires, then abruptly).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_app is not { } app)
            {
                return;
            }

            _app = null;
            Addresses = [];
            try
            {
                await app.StopAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await app.DisposeAsync().ConfigureAwait(false);
                Log.ListenerStopped(_logger);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Stops the listener abruptly if it is running.</summary>
    public async ValueTask DisposeAsync()
    {
        using var stopped = new CancellationTokenSource();
        await stopped.CancelAsync().ConfigureAwait(false);
        await StopAsync(stopped.Token).ConfigureAwait(false);
    }
}
