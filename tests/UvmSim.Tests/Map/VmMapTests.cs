using CsCheck;
using UvmSim.Checking;
using UvmSim.Kernel;
using UvmSim.Map;
using UvmSim.Physical;
using UvmSim.Policies;

namespace UvmSim.Tests.Map;

public class VmMapTests
{
    private const ulong P = 4096;
    private const int Window = 64; // pages 1..Window are used

    internal static MapEntry PrivateAnon(ulong startPage, ulong endPage) => new(startPage * P, endPage * P)
    {
        NeedsCopy = true,
        CopyOnWrite = true,
        Protection = Protection.ReadWrite,
        MaxProtection = Protection.All,
        Inheritance = Inheritance.Copy,
    };

    private static MapEntry Plain(ulong startPage, ulong endPage) => new(startPage * P, endPage * P)
    {
        Protection = Protection.Read,
        MaxProtection = Protection.Read,
        NoMerge = true,
    };

    /// <summary>Reference entry: pages [S, E), Mergeable when it is a private anon entry.</summary>
    private sealed record Ref(ulong S, ulong E, bool Mergeable);

    private static bool RefFree(List<Ref> model, ulong s, ulong e) => model.All(r => r.E <= s || r.S >= e);

    private static void CheckAgainst(VmMap map, List<Ref> model)
    {
        Assert.Empty(map.VerifyIndex());
        var entries = map.Entries.ToList();
        Assert.Equal(model.Count, map.EntryCount);
        Assert.Equal(model.Select(r => (r.S * P, r.E * P)), entries.Select(e => (e.Start, e.End)));
        for (int i = 0; i < entries.Count; i++)
        {
            Assert.True(entries[i].Start < entries[i].End);
            Assert.Equal(0UL, entries[i].Start % P);
            Assert.Equal(0UL, entries[i].End % P);
            if (i > 0)
            {
                Assert.True(entries[i - 1].End <= entries[i].Start);
            }
        }
        for (ulong page = 0; page <= Window + 2; page++)
        {
            foreach (ulong off in new ulong[] { 0, 1, P / 2, P - 1 })
            {
                ulong va = page * P + off;
                var expected = model.FirstOrDefault(r => r.S <= page && page < r.E);
                var got = map.Lookup(va);
                if (expected is null)
                {
                    Assert.Null(got);
                }
                else
                {
                    Assert.NotNull(got);
                    Assert.Equal(expected.S * P, got.Start);
                    Assert.Equal(expected.E * P, got.End);
                }
            }
        }
    }

    private static void Step(VmMap map, List<Ref> model, (int Op, int A, int B) step)
    {
        switch (step.Op)
        {
            case 0: // plain insert
            case 1: // merging insert of a fresh private anon entry
            {
                ulong s = 1 + (ulong)(step.A % Window);
                ulong e = Math.Min(s + 1 + (ulong)(step.B % 4), Window + 1);
                if (!RefFree(model, s, e))
                {
                    return;
                }
                Assert.True(map.IsFree(s * P, e * P));
                if (step.Op == 0)
                {
                    map.Insert(Plain(s, e));
                    model.Add(new Ref(s, e, false));
                }
                else
                {
                    var result = map.InsertMerging(PrivateAnon(s, e));
                    var prev = model.FirstOrDefault(r => r.E == s && r.Mergeable);
                    var next = model.FirstOrDefault(r => r.S == e && r.Mergeable);
                    ulong ns = s, ne = e;
                    if (prev is not null)
                    {
                        model.Remove(prev);
                        ns = prev.S;
                    }
                    if (next is not null)
                    {
                        model.Remove(next);
                        ne = next.E;
                    }
                    model.Add(new Ref(ns, ne, true));
                    Assert.Equal(ns * P, result.Start);
                    Assert.Equal(ne * P, result.End);
                }
                model.Sort((x, y) => x.S.CompareTo(y.S));
                return;
            }
            case 2: // split strictly inside
            case 3: // clip start at any address of the entry
            case 4: // clip end at any address of the entry or its end
            case 5: // remove
            {
                if (model.Count == 0)
                {
                    return;
                }
                var r = model[step.A % model.Count];
                var entry = map.Lookup(r.S * P)!;
                ulong size = r.E - r.S;
                if (step.Op == 5)
                {
                    map.Remove(entry);
                    model.Remove(r);
                    return;
                }
                ulong at = step.Op switch
                {
                    2 => size < 2 ? 0 : r.S + 1 + (ulong)step.B % (size - 1),
                    3 => r.S + (ulong)step.B % size,
                    _ => r.S + 1 + (ulong)step.B % size,
                };
                if (at == 0)
                {
                    return;
                }
                int i = model.IndexOf(r);
                bool inside = at > r.S && at < r.E;
                if (step.Op == 2)
                {
                    var upper = map.Split(entry, at * P);
                    Assert.Equal(at * P, upper.Start);
                    Assert.Equal(r.E * P, upper.End);
                    Assert.Equal(at * P, entry.End);
                    Assert.Equal(entry.Protection, upper.Protection);
                    Assert.Equal(entry.NoMerge, upper.NoMerge);
                }
                else if (step.Op == 3)
                {
                    var got = map.ClipStart(entry, at * P);
                    Assert.Equal(at * P, got.Start);
                    Assert.Equal(r.E * P, got.End);
                }
                else
                {
                    map.ClipEnd(entry, at * P);
                    Assert.Equal(r.S * P, entry.Start);
                    Assert.Equal(at * P, entry.End);
                }
                if (inside)
                {
                    model[i] = r with { E = at };
                    model.Insert(i + 1, new Ref(at, r.E, r.Mergeable));
                }
                return;
            }
            default: // lookups only
                return;
        }
    }

    private static readonly Gen<(int, int, int)[]> GenOps =
        Gen.Select(Gen.Int[0, 6], Gen.Int[0, 1000], Gen.Int[0, 1000]).Array[1, 40];

    [Fact]
    public void Random_insert_split_clip_remove_sequences_agree_with_a_sorted_interval_list() =>
        GenOps.Sample(ops =>
        {
            var map = new VmMap((int)P);
            var model = new List<Ref>();
            foreach (var op in ops)
            {
                Step(map, model, op);
                CheckAgainst(map, model);
            }
        }, iter: 2000);

    [Fact]
    public void Merging_insert_joins_both_untouched_private_neighbours()
    {
        var map = new VmMap((int)P);
        map.InsertMerging(PrivateAnon(1, 3));
        map.InsertMerging(PrivateAnon(4, 6));
        var merged = map.InsertMerging(PrivateAnon(3, 4));
        Assert.Single(map.Entries);
        Assert.Equal(1 * P, merged.Start);
        Assert.Equal(6 * P, merged.End);
        Assert.Empty(map.VerifyIndex());
    }

    [Fact]
    public void Merging_insert_does_not_join_a_wired_or_nomerge_neighbour()
    {
        var map = new VmMap((int)P);
        var wired = map.InsertMerging(PrivateAnon(1, 3));
        wired.WiredCount = 1;
        map.Insert(Plain(4, 5));
        map.InsertMerging(PrivateAnon(3, 4));
        Assert.Equal(new[] { (1 * P, 3 * P), (3 * P, 4 * P), (4 * P, 5 * P) }, map.Entries.Select(e => (e.Start, e.End)));
    }

    [Fact]
    public void Split_keeps_wired_count_and_flags_in_both_halves()
    {
        var map = new VmMap((int)P);
        var e = PrivateAnon(1, 5);
        e.WiredCount = 2;
        e.Mlocked = true;
        map.Insert(e);
        var upper = map.Split(e, 3 * P);
        Assert.Equal(2, e.WiredCount);
        Assert.Equal(2, upper.WiredCount);
        Assert.True(upper.Mlocked);
        Assert.True(upper.NeedsCopy);
        Assert.Equal(Protection.ReadWrite, upper.Protection);
    }

    // ------------------------------------------------------------ via the kernel

    private static global::UvmSim.Kernel.Kernel NewKernel() =>
        new(new MachineConfig { Pages = 256 }, Policy.FromPreset("dual")!);

    private const ulong Base = 0x1000; // map minimum; page i of the window is Base + i*P
    private const int KWindow = 48;

    [Fact]
    public void Random_mmap_munmap_mprotect_sequences_cover_exactly_the_reference_pages() =>
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, KWindow - 1], Gen.Int[1, 4], Gen.Int[0, 3]).Array[1, 30].Sample(ops =>
        {
            var k = NewKernel();
            var p = k.CreateProcess(0, 0)!;
            var mapped = new bool[KWindow + 8];
            foreach (var (op, page, len, prot) in ops)
            {
                ulong addr = Base + (ulong)page * P;
                ulong bytes = (ulong)len * P;
                var protection = prot switch
                {
                    0 => Protection.None,
                    1 => Protection.Read,
                    2 => Protection.ReadWrite,
                    _ => Protection.All,
                };
                switch (op)
                {
                    case 0: // fixed mmap
                    {
                        var r = k.Mmap(p, bytes, protection, MapFlags.Private | MapFlags.Anon | MapFlags.Fixed, addr);
                        Assert.True(r.Ok, r.ToString());
                        Assert.Equal(addr, r.Value);
                        for (int i = page; i < page + len; i++)
                        {
                            mapped[i] = true;
                        }
                        break;
                    }
                    case 1: // first-fit mmap
                    {
                        int first = 0;
                        while (Enumerable.Range(first, len).Any(i => i < mapped.Length && mapped[i]))
                        {
                            first++;
                        }
                        if (first + len > mapped.Length)
                        {
                            break;
                        }
                        var r = k.Mmap(p, bytes, protection, MapFlags.Private | MapFlags.Anon);
                        Assert.True(r.Ok, r.ToString());
                        Assert.Equal(Base + (ulong)first * P, r.Value);
                        for (int i = first; i < first + len; i++)
                        {
                            mapped[i] = true;
                        }
                        break;
                    }
                    case 2:
                    {
                        var r = k.Munmap(p, addr, bytes);
                        Assert.True(r.Ok, r.ToString());
                        for (int i = page; i < page + len; i++)
                        {
                            mapped[i] = false;
                        }
                        break;
                    }
                    default:
                    {
                        var r = k.Mprotect(p, addr, bytes, protection);
                        Assert.True(r.Ok, r.ToString());
                        break;
                    }
                }
                var map = p.Space.Map;
                Assert.Empty(map.VerifyIndex());
                for (int i = 0; i < mapped.Length; i++)
                {
                    Assert.Equal(mapped[i], map.Lookup(Base + (ulong)i * P) is not null);
                }
                Assert.True(map.Entries.All(e => e.End <= Base + (ulong)mapped.Length * P));
                MapEntry? prev = null;
                foreach (var e in map.Entries)
                {
                    Assert.True(prev is null || prev.End <= e.Start);
                    prev = e;
                }
            }
            Assert.Empty(Auditor.Audit(k));
        }, iter: 300);
}
