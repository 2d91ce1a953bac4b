using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LedgerSync.Transport.Http;

/// <summary>The responder's side of a session: reads the request body, writes the response body.</summary>
internal sealed class ServerHttpPeerSession : HttpPeerSession
{
    private readonly HttpContext _context;
    private int _aborted;

    public ServerHttpPeerSession(
        HttpContext context, PartyName counterparty, int maxMessageSize, TimeSpan sessionTimeout, PreAdmissionLimits admission, TimeProvider timeProvider, ILogger logger)
        : base(counterparty, maxMessageSize, sessionTimeout, admission, timeProvider, logger)
    {
        _context = context;
    }

    /// <summary>Whether the stream was reset by this side.</summary>
    public bool WasAborted => Volatile.Read(ref _aborted) != 0;

    protected override PipeReader Reader => _context.Request.BodyReader;

    protected override ValueTask<PipeWriter> GetWriterAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_context.Response.BodyWriter);

    protected override async ValueTask CompleteWriterAsync(CancellationToken cancellationToken) =>
        await _context.Response.CompleteAsync().ConfigureAwait(false);

    protected override void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) == 0)
        {
            _context.Abort();
        }
    }

    protected override ValueTask ReleaseAsync() => ValueTask.CompletedTask;
}
