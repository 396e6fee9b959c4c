using UvmSim.Map;
using UvmSim.Objects;
using UvmSim.Policies;

namespace UvmSim.Tests.Map;

/// <summary>
/// <see cref="FlagChangeMerge"/>: under <c>syscalls=linux</c> an entry whose flags changed
/// joins matching neighbours (<c>vma_merge_existing_range</c>) without losing an anon or a
/// reference; under <c>netbsd</c> nothing merges; a SysV attachment (a VMA with a close hook)
/// may shrink but is never removed.
/// </summary>
public class FlagChangeMergeTests
{
    private const ulong P = 4096;

    private static MapEntry Private(ulong s, ulong e, Amap amap) => new(s * P, e * P)
    {
        CopyOnWrite = true,
        Protection = Protection.ReadWrite,
        MaxProtection = Protection.All,
        Inheritance = Inheritance.Copy,
        Amap = amap,
    };

    /// <summary>A private anonymous entry never faulted: needs-copy, no amap yet.</summary>
    private static MapEntry Unfaulted(ulong s, ulong e) => VmMapTests.PrivateAnon(s, e);

    /// <summary>A private anonymous entry over pages [s, e) whose amap holds an anon per page.</summary>
    private static (VmMap Map, MapEntry Entry, Anon[] Anons) PrivateWithAnons(ulong s, ulong e)
    {
        var map = new VmMap((int)P);
        var amap = new Amap(12);
        MapEntry entry = Private(s, e, amap);
        amap.AddUser(entry);
        var anons = new Anon[e - s];
        for (int i = 0; i < anons.Length; i++)
        {
            anons[i] = new Anon();
            amap[i] = anons[i];
        }
        map.Insert(entry);
        return (map, entry, anons);
    }

    /// <summary>Locks pages [s, e) of the entry holding page s as a flag change does: clip, set, merge.</summary>
    private static MapEntry Lock(VmMap map, FlagChangeMerge merge, ulong s, ulong e)
    {
        MapEntry old = map.Lookup(s * P)!;
        MapEntry c = map.ClipStart(old, s * P);
        bool whole = ReferenceEquals(c, old) && c.End <= e * P;
        map.ClipEnd(c, e * P);
        c.Mlocked = true;
        return merge.AfterChange(map, c, whole);
    }

    private static void AssertAnonsInPlace(VmMap map, Anon[] anons, ulong firstPage)
    {
        for (int i = 0; i < anons.Length; i++)
        {
            MapEntry e = map.Lookup((firstPage + (ulong)i) * P)!;
            long slot = e.AmapOffset + (long)(((firstPage + (ulong)i) * P - e.Start) / P);
            Assert.Same(anons[i], e.Amap![slot]);
        }
    }

    [Fact]
    public void Adjacent_locks_of_one_entry_rejoin_under_linux_and_stay_apart_under_netbsd()
    {
        foreach (var (syscalls, expected) in new[] { (SyscallsSwitch.Linux, 2), (SyscallsSwitch.Netbsd, 3) })
        {
            var (map, _, anons) = PrivateWithAnons(1, 4);
            FlagChangeMerge merge = FlagChangeMerge.For(syscalls);
            Lock(map, merge, 1, 2);
            MapEntry got = Lock(map, merge, 2, 3);
            Assert.Equal(expected, map.EntryCount);
            Assert.Equal(syscalls == SyscallsSwitch.Linux ? 1 * P : 2 * P, got.Start);
            Assert.Equal(expected, got.Amap!.RefCount);
            Assert.Empty(map.VerifyIndex());
            AssertAnonsInPlace(map, anons, 1);
        }
    }

    [Fact]
    public void Locking_the_middle_of_three_pieces_rejoins_all_three()
    {
        var (map, entry, anons) = PrivateWithAnons(1, 4);
        map.ClipEnd(entry, 2 * P);
        map.ClipEnd(entry.Next!, 3 * P);
        entry.Mlocked = true;
        entry.Next!.Next!.Mlocked = true;
        MapEntry got = Lock(map, FlagChangeMerge.Linux, 2, 3);
        Assert.Equal(1, map.EntryCount);
        Assert.Equal((1 * P, 4 * P), (got.Start, got.End));
        Assert.Equal(1, got.Amap!.RefCount);
        AssertAnonsInPlace(map, anons, 1);
    }

    [Fact]
    public void Entries_with_different_amaps_or_attributes_do_not_merge()
    {
        var (map, entry, _) = PrivateWithAnons(1, 3);
        var other = new Amap(12);
        MapEntry next = Private(3, 4, other);
        next.Mlocked = true;
        other.AddUser(next);
        other.AddUser(new MapEntry(0, P)); // a second user: it cannot be re-based
        map.Insert(next);
        Lock(map, FlagChangeMerge.Linux, 2, 3);
        Assert.Equal(3, map.EntryCount); // [1,2) unlocked, [2,3) locked, [3,4) another amap
        Assert.False(map.CanRemerge(entry, entry.Next!)); // lock state differs
        Assert.False(map.CanRemerge(entry.Next!, next)); // two amaps
    }

    [Fact]
    public void A_whole_attachment_entry_is_never_removed_by_a_merge_but_a_part_joins()
    {
        var obj = new AnonObject(4); // its one reference is the entry's
        var map = new VmMap((int)P);
        var att = new MapEntry(1 * P, 5 * P)
        {
            Object = obj,
            Protection = Protection.ReadWrite,
            MaxProtection = Protection.ReadWrite,
            Inheritance = Inheritance.Share,
            NoMerge = true,
        };
        map.Insert(att);
        Lock(map, FlagChangeMerge.Linux, 1, 2);
        Lock(map, FlagChangeMerge.Linux, 2, 3); // part of [2,5): joins [1,2), the rest shrinks
        Assert.Equal(2, map.EntryCount);
        Assert.Equal(2, obj.RefCount); // one per entry
        Lock(map, FlagChangeMerge.Linux, 3, 5); // the whole of [3,5): shm_close forbids removing it
        Assert.Equal(2, map.EntryCount);
        Assert.True(map.Lookup(4 * P)!.Mlocked);
        Assert.Equal((1 * P, 3 * P), (map.First!.Start, map.First!.End));
        Assert.Equal(2 * P, map.First.Next!.Offset);
    }

    [Fact]
    public void A_neighbour_without_an_amap_joins_by_taking_unused_slots_or_a_rebased_amap()
    {
        // [1,2) never faulted (needs-copy, no amap); [2,4) holds anons and was clipped at 3.
        var (map, b, anons) = PrivateWithAnons(2, 4);
        var a = Unfaulted(1, 2);
        map.Insert(a);
        Lock(map, FlagChangeMerge.Linux, 2, 3);
        Assert.Equal(3, map.EntryCount);
        MapEntry locked = map.Lookup(2 * P)!;
        locked.Mlocked = false; // unlocked again, whole: joins [3,4) (one amap), then [1,2) (re-based)
        MapEntry got = FlagChangeMerge.Linux.AfterChange(map, locked, whole: true);
        Assert.Equal(1, map.EntryCount);
        Assert.Equal((1 * P, 4 * P, false), (got.Start, got.End, got.NeedsCopy));
        Assert.Equal(1, got.Amap!.RefCount);
        Assert.Null(got.Amap[got.AmapOffset]);
        AssertAnonsInPlace(map, anons, 2);

        // the amap has another user, so it cannot be re-based: the slot in front is free and taken
        var (map2, c, anons2) = PrivateWithAnons(3, 4);
        c.AmapOffset = 1;
        c.Amap![1] = anons2[0];
        c.Amap[0] = null;
        c.Amap.AddUser(new MapEntry(10 * P, 11 * P) { AmapOffset = 5 });
        var d = Unfaulted(2, 3);
        map2.Insert(d);
        c.Mlocked = true;
        d.Mlocked = true;
        Assert.Same(d, FlagChangeMerge.Linux.AfterChange(map2, c, whole: true));
        Assert.Equal((2 * P, 4 * P, 0L), (d.Start, d.End, d.AmapOffset));
        Assert.Same(anons2[0], d.Amap![1]);
        Assert.Equal(2, d.Amap.RefCount);

        // a slot in front that holds an anon is not free: no merge
        var (map3, e, _) = PrivateWithAnons(3, 4);
        e.AmapOffset = 1;
        e.Amap![0] = new Anon();
        e.Amap.AddUser(new MapEntry(10 * P, 11 * P) { AmapOffset = 5 });
        map3.Insert(Unfaulted(2, 3));
        Assert.Same(e, FlagChangeMerge.Linux.AfterChange(map3, e, whole: true));
        Assert.Equal(2, map3.EntryCount);
    }
}
