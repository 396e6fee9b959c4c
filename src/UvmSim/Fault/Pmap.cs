using UvmSim.Map;

namespace UvmSim.Fault;

/// <summary>One translation: the frame a virtual page maps now, its protection and wired bit.</summary>
public readonly record struct Pte(int Frame, Protection Protection, bool Wired);

/// <summary>
/// The machine-dependent translations of one address space (<c>pmap</c>): va → frame.
/// NetBSD's <c>uvm_fault_unwire</c> unwires whatever frame is mapped here now, and
/// <c>pmap_wired_count</c> feeds the memlock limit; both read this table.
/// </summary>
public sealed class Pmap
{
    private readonly Dictionary<ulong, Pte> _ptes = [];
    private readonly PvTable _pv;
    private readonly int _shift;

    /// <summary>Creates an empty pmap whose frames are tracked in <paramref name="pv"/>.</summary>
    public Pmap(PvTable pv, int pageShift)
    {
        _pv = pv;
        _shift = pageShift;
    }

    /// <summary>Translations whose wired bit is set (<c>pmap_wired_count</c>).</summary>
    public long WiredCount { get; private set; }

    /// <summary>Number of translations.</summary>
    public int Count => _ptes.Count;

    /// <summary>The translation of <paramref name="va"/>, if any (<c>pmap_extract</c>).</summary>
    public bool TryGet(ulong va, out Pte pte) => _ptes.TryGetValue(va >> _shift, out pte);

    /// <summary>All translations as (va, pte).</summary>
    public IEnumerable<(ulong Va, Pte Pte)> All => _ptes.Select(kv => (kv.Key << _shift, kv.Value));

    /// <summary>Maps <paramref name="va"/> to <paramref name="frame"/> (<c>pmap_enter</c>), replacing any old translation.</summary>
    public void Enter(ulong va, int frame, Protection protection, bool wired)
    {
        ulong vpn = va >> _shift;
        if (_ptes.TryGetValue(vpn, out Pte old))
        {
            if (old.Wired)
            {
                WiredCount--;
            }
            if (old.Frame != frame)
            {
                _pv.Remove(old.Frame, this, vpn);
                _pv.Add(frame, this, vpn);
            }
        }
        else
        {
            _pv.Add(frame, this, vpn);
        }
        _ptes[vpn] = new Pte(frame, protection, wired);
        if (wired)
        {
            WiredCount++;
        }
    }

    /// <summary>Clears the wired bit (<c>pmap_unwire</c>).</summary>
    public void Unwire(ulong va)
    {
        ulong vpn = va >> _shift;
        if (_ptes.TryGetValue(vpn, out Pte pte) && pte.Wired)
        {
            _ptes[vpn] = pte with { Wired = false };
            WiredCount--;
        }
    }

    /// <summary>Removes the translations of <c>[start, end)</c> (<c>pmap_remove</c>).</summary>
    public void Remove(ulong start, ulong end)
    {
        ulong first = start >> _shift;
        ulong last = end >> _shift;
        if (last - first <= (ulong)_ptes.Count)
        {
            for (ulong vpn = first; vpn < last; vpn++)
            {
                RemoveVpn(vpn, unlinkPv: true);
            }
            return;
        }
        foreach (ulong vpn in _ptes.Keys.Where(k => k >= first && k < last).ToList())
        {
            RemoveVpn(vpn, unlinkPv: true);
        }
    }

    /// <summary>Drops every translation (the address space is going away).</summary>
    public void RemoveAll()
    {
        foreach (var (vpn, pte) in _ptes)
        {
            _pv.Remove(pte.Frame, this, vpn);
        }
        _ptes.Clear();
        WiredCount = 0;
    }

    /// <summary>Called by <see cref="PvTable"/> when a frame is taken away from every mapping.</summary>
    internal void RemoveForFrame(ulong vpn) => RemoveVpn(vpn, unlinkPv: false);

    private void RemoveVpn(ulong vpn, bool unlinkPv)
    {
        if (_ptes.Remove(vpn, out Pte pte))
        {
            if (pte.Wired)
            {
                WiredCount--;
            }
            if (unlinkPv)
            {
                _pv.Remove(pte.Frame, this, vpn);
            }
        }
    }
}
