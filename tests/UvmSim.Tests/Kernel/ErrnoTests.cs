using UvmSim.Checking;
using UvmSim.Kernel;
using UvmSim.Map;
using UvmSim.SysV;
using static UvmSim.Tests.Kernel.KernelTestHelpers;

namespace UvmSim.Tests.Kernel;

public class ErrnoTests
{
    private const ulong Min = VmMap.DefaultMin;
    private const ulong Max = VmMap.DefaultMax;
    private const ulong Rw = 0x180;

    private readonly UvmSim.Kernel.Kernel _k = NewKernel();
    private readonly Process _root;
    private readonly Process _user;
    private readonly ulong _anon;

    public ErrnoTests()
    {
        _root = _k.CreateProcess(0, 0)!;
        _user = _k.CreateProcess(1000, 1000)!;
        _anon = MapAnon(_k, _root, 4);
        Assert.True(_k.Touch(_root, _anon, P, write: true).Ok);
        Assert.True(_k.CreateFile("ro", 4 * P, readOnly: true).Ok);
        Assert.True(_k.CreateFile("small", P, readOnly: false).Ok);
    }

    private string Snapshot()
    {
        var parts = new List<string>();
        foreach (var p in _k.Processes.Values.OrderBy(p => p.Pid))
        {
            parts.Add($"pid {p.Pid} soft {p.MemlockSoft} hard {p.MemlockHard} attach {p.Attachments.Count} wf {p.Space.Map.WireFuture}");
            parts.AddRange(p.Space.Map.Entries.Select(e =>
                $"  [{e.Start:x},{e.End:x}) {e.Protection}/{e.MaxProtection} {e.Inheritance} w{e.WiredCount} m{e.Mlocked}"));
        }
        parts.Add($"wired {_k.Vm.Stats.Wired} free {_k.Vm.Stats.Free} segs {_k.Shm.Segments.Count()}");
        parts.AddRange(_k.Shm.Segments.OrderBy(s => s.Id).Select(s =>
            $"seg {s.Id} key {s.Key} nattch {s.Nattch} locked {s.Locked} removed {s.Removed} mode {s.Mode} uid {s.Uid}"));
        return string.Join('\n', parts);
    }

    private void AssertFailsUnchanged(Errno expected, Func<SysResult> call)
    {
        string before = Snapshot();
        var r = call();
        Assert.Equal(expected, r.Error);
        Assert.Equal(before, Snapshot());
        Assert.False(_k.Dead);
        Assert.Empty(Auditor.Audit(_k));
    }

    private ulong RootSegment(ulong? key = null, ulong size = 2 * P, ulong mode = Rw)
    {
        var r = _k.Shm.Shmget(_root, key, size, mode | ShmTable.IpcCreat);
        Assert.True(r.Ok, r.ToString());
        return r.Value;
    }

    // ------------------------------------------------------------ mmap

    [Fact]
    public void Mmap_private_with_shared_is_EINVAL() =>
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Mmap(_root, P, Protection.ReadWrite, MapFlags.Private | MapFlags.Shared | MapFlags.Anon));

    [Fact]
    public void Mmap_with_neither_anon_nor_file_is_EINVAL() =>
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Mmap(_root, P, Protection.ReadWrite, MapFlags.Private));

    [Fact]
    public void Mmap_with_both_anon_and_file_is_EINVAL() =>
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Mmap(_root, P, Protection.Read, MapFlags.Private | MapFlags.Anon, file: "ro"));

    [Fact]
    public void Mmap_of_zero_length_is_EINVAL() =>
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Mmap(_root, 0, Protection.ReadWrite, MapFlags.Private | MapFlags.Anon));

    [Fact]
    public void Mmap_with_unaligned_offset_is_EINVAL() =>
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Mmap(_root, P, Protection.Read, MapFlags.Private, file: "ro", offset: 100));

    [Fact]
    public void Mmap_fixed_at_unaligned_address_is_EINVAL() =>
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Mmap(_root, P, Protection.ReadWrite, MapFlags.Private | MapFlags.Anon | MapFlags.Fixed, _anon + 1));

    [Fact]
    public void Mmap_fixed_below_the_map_minimum_is_EINVAL() =>
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Mmap(_root, P, Protection.ReadWrite, MapFlags.Private | MapFlags.Anon | MapFlags.Fixed, 0));

    [Fact]
    public void Mmap_fixed_above_the_map_maximum_is_EFBIG() =>
        AssertFailsUnchanged(Errno.EFBIG, () => _k.Mmap(_root, 2 * P, Protection.ReadWrite, MapFlags.Private | MapFlags.Anon | MapFlags.Fixed, Max - P));

    [Fact]
    public void Mmap_fixed_range_that_wraps_is_EOVERFLOW() =>
        AssertFailsUnchanged(Errno.EOVERFLOW, () => _k.Mmap(_root, 0x20000, Protection.ReadWrite, MapFlags.Private | MapFlags.Anon | MapFlags.Fixed, 0xffff_ffff_ffff_0000));

    [Fact]
    public void Mmap_writable_shared_mapping_of_a_read_only_file_is_EACCES() =>
        AssertFailsUnchanged(Errno.EACCES, () => _k.Mmap(_root, P, Protection.ReadWrite, MapFlags.Shared, file: "ro"));

    [Fact]
    public void Mmap_of_a_length_that_wraps_when_rounded_is_ENOMEM() =>
        AssertFailsUnchanged(Errno.ENOMEM, () => _k.Mmap(_root, ulong.MaxValue, Protection.ReadWrite, MapFlags.Private | MapFlags.Anon));

    [Fact]
    public void Mmap_with_no_space_is_ENOMEM() =>
        AssertFailsUnchanged(Errno.ENOMEM, () => _k.Mmap(_root, Max - Min, Protection.ReadWrite, MapFlags.Private | MapFlags.Anon));

    [Fact]
    public void Mmap_einval_checks_come_before_the_wrap_check() =>
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Mmap(_root, ulong.MaxValue, Protection.ReadWrite, MapFlags.Private | MapFlags.Shared | MapFlags.Anon));

    // ------------------------------------------------------------ munmap

    [Fact]
    public void Munmap_of_zero_length_succeeds_even_below_the_minimum()
    {
        string before = Snapshot();
        Assert.True(_k.Munmap(_root, 0, 0).Ok);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void Munmap_below_the_map_minimum_is_EINVAL() =>
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Munmap(_root, 0, _anon + P));

    [Fact]
    public void Munmap_above_the_map_maximum_is_EINVAL() =>
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Munmap(_root, Max - P, 2 * P));

    [Fact]
    public void Munmap_past_two_to_the_64_is_EINVAL() =>
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Munmap(_root, _anon, ulong.MaxValue - P));

    // ------------------------------------------------------------ mprotect

    [Fact]
    public void Mprotect_below_the_map_minimum_is_EINVAL() =>
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Mprotect(_root, 0, _anon + P, Protection.Read));

    [Fact]
    public void Mprotect_above_the_map_maximum_is_EINVAL() =>
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Mprotect(_root, Max - P, 2 * P, Protection.Read));

    [Fact]
    public void Mprotect_beyond_max_protection_is_EACCES_and_changes_nothing()
    {
        var m = _k.Mmap(_root, 2 * P, Protection.Read, MapFlags.Shared, file: "ro");
        Assert.True(m.Ok);
        // The range also covers a writable anonymous entry before it: EACCES must come before any change.
        AssertFailsUnchanged(Errno.EACCES, () => _k.Mprotect(_root, _anon, m.Value + 2 * P - _anon, Protection.ReadWrite));
    }

    [Fact]
    public void Mprotect_failing_with_EACCES_keeps_only_its_clip_at_addr()
    {
        var m = _k.Mmap(_root, 4 * P, Protection.Read, MapFlags.Shared, file: "ro");
        Assert.True(m.Ok);
        int entries = _root.Space.Map.EntryCount;
        var r = _k.Mprotect(_root, m.Value + P, P, Protection.ReadWrite);
        Assert.Equal(Errno.EACCES, r.Error);
        Assert.Equal(entries + 1, _root.Space.Map.EntryCount);
        Assert.Equal(m.Value + P, _root.Space.Map.Lookup(m.Value + P)!.Start);
        Assert.Equal(m.Value + 4 * P, _root.Space.Map.Lookup(m.Value + P)!.End);
        Assert.All(_root.Space.Map.Entries.Where(e => e.Start >= m.Value), e => Assert.Equal(Protection.Read, e.Protection));
        Assert.Empty(Auditor.Audit(_k));
    }

    // ------------------------------------------------------------ minherit

    [Fact]
    public void Minherit_below_the_map_minimum_is_EINVAL() =>
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Minherit(_root, 0, _anon + P, Inheritance.Share));

    [Fact]
    public void Minherit_above_the_map_maximum_is_EINVAL() =>
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Minherit(_root, Max - P, 2 * P, Inheritance.None));

    // ------------------------------------------------------------ touch

    [Fact]
    public void Touch_below_the_map_minimum_is_EFAULT() =>
        AssertFailsUnchanged(Errno.EFAULT, () => _k.Touch(_root, 0, 1, write: false));

    [Fact]
    public void Touch_of_an_unmapped_address_is_EFAULT() =>
        AssertFailsUnchanged(Errno.EFAULT, () => _k.Touch(_root, _anon + 100 * P, 1, write: false));

    [Fact]
    public void Touch_writing_a_read_only_mapping_is_EACCES()
    {
        ulong ro = MapAnon(_k, _root, 1, Protection.Read);
        AssertFailsUnchanged(Errno.EACCES, () => _k.Touch(_root, ro, 1, write: true));
    }

    [Fact]
    public void Touch_reading_a_prot_none_mapping_is_EACCES()
    {
        ulong none = MapAnon(_k, _root, 1, Protection.None);
        AssertFailsUnchanged(Errno.EACCES, () => _k.Touch(_root, none, 1, write: false));
    }

    [Fact]
    public void Touch_beyond_the_end_of_a_file_is_EFAULT()
    {
        var m = _k.Mmap(_root, 2 * P, Protection.ReadWrite, MapFlags.Shared, file: "small");
        Assert.True(m.Ok);
        AssertFailsUnchanged(Errno.EFAULT, () => _k.Touch(_root, m.Value + P, 1, write: false));
    }

    // ------------------------------------------------------------ setrlimit

    [Fact]
    public void Setrlimit_with_soft_above_hard_is_EINVAL() =>
        AssertFailsUnchanged(Errno.EINVAL, () => _k.SetMemlockLimit(_user, 2 * P, P));

    [Fact]
    public void Setrlimit_raising_hard_without_privilege_is_EPERM() =>
        AssertFailsUnchanged(Errno.EPERM, () => _k.SetMemlockLimit(_user, P, _user.MemlockHard + P));

    [Fact]
    public void Setrlimit_raising_hard_as_root_succeeds()
    {
        Assert.True(_k.SetMemlockLimit(_root, P, _root.MemlockHard + P).Ok);
        Assert.Equal(P, _root.MemlockSoft);
    }

    // ------------------------------------------------------------ shmget

    [Fact]
    public void Shmget_create_excl_of_an_existing_key_is_EEXIST()
    {
        RootSegment(key: 42);
        AssertFailsUnchanged(Errno.EEXIST, () => _k.Shm.Shmget(_root, 42, P, Rw | ShmTable.IpcCreat | ShmTable.IpcExcl));
    }

    [Fact]
    public void Shmget_of_an_existing_key_without_permission_is_EACCES()
    {
        RootSegment(key: 42, mode: 0x180);
        AssertFailsUnchanged(Errno.EACCES, () => _k.Shm.Shmget(_user, 42, P, 0x100));
    }

    [Fact]
    public void Shmget_of_an_existing_key_larger_than_created_is_EINVAL()
    {
        RootSegment(key: 42, size: 2 * P);
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Shm.Shmget(_root, 42, 2 * P + 1, Rw));
    }

    [Fact]
    public void Shmget_of_a_missing_key_without_create_is_ENOENT() =>
        AssertFailsUnchanged(Errno.ENOENT, () => _k.Shm.Shmget(_root, 99, P, Rw));

    [Fact]
    public void Shmget_of_size_zero_is_EINVAL() =>
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Shm.Shmget(_root, null, 0, Rw | ShmTable.IpcCreat));

    [Fact]
    public void Shmget_above_shmmax_is_EINVAL() =>
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Shm.Shmget(_root, null, _k.Shm.ShmMax + 1, Rw | ShmTable.IpcCreat));

    [Fact]
    public void Shmget_with_no_free_slot_is_ENOSPC()
    {
        RootSegment();
        _k.Shm.ShmMni = 1;
        AssertFailsUnchanged(Errno.ENOSPC, () => _k.Shm.Shmget(_root, null, P, Rw | ShmTable.IpcCreat));
    }

    [Fact]
    public void Shmget_over_shmall_is_ENOMEM()
    {
        RootSegment(size: 2 * P);
        _k.Shm.ShmAll = 3;
        AssertFailsUnchanged(Errno.ENOMEM, () => _k.Shm.Shmget(_root, null, 2 * P, Rw | ShmTable.IpcCreat));
    }

    // ------------------------------------------------------------ shmat

    [Fact]
    public void Shmat_of_a_bad_id_is_EINVAL() =>
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Shm.Shmat(_root, 12345, 0, 0));

    [Fact]
    public void Shmat_of_a_removed_segment_is_EINVAL()
    {
        ulong id = RootSegment();
        Assert.True(_k.Shm.Shmat(_root, id, 0, 0).Ok);
        Assert.True(_k.Shm.Shmctl(_root, id, ShmCommand.IpcRmid).Ok);
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Shm.Shmat(_root, id, 0, 0));
    }

    [Fact]
    public void Shmat_without_permission_is_EACCES()
    {
        ulong id = RootSegment(mode: 0x180);
        AssertFailsUnchanged(Errno.EACCES, () => _k.Shm.Shmat(_user, id, 0, ShmTable.ShmRdonly));
    }

    [Fact]
    public void Shmat_writable_with_only_read_permission_is_EACCES()
    {
        ulong id = RootSegment(mode: 0x180 | 0x004);
        AssertFailsUnchanged(Errno.EACCES, () => _k.Shm.Shmat(_user, id, 0, 0));
        Assert.True(_k.Shm.Shmat(_user, id, 0, ShmTable.ShmRdonly).Ok);
    }

    [Fact]
    public void Shmat_beyond_shmseg_is_EMFILE()
    {
        ulong id = RootSegment();
        Assert.True(_k.Shm.Shmat(_root, id, 0, 0).Ok);
        _k.Shm.ShmSeg = 1;
        AssertFailsUnchanged(Errno.EMFILE, () => _k.Shm.Shmat(_root, id, 0, 0));
    }

    [Fact]
    public void Shmat_at_an_unaligned_address_without_rnd_is_EINVAL()
    {
        ulong id = RootSegment();
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Shm.Shmat(_root, id, 0x4000_0000 + 5, 0));
    }

    [Fact]
    public void Shmat_at_an_occupied_address_is_ENOMEM()
    {
        ulong id = RootSegment();
        AssertFailsUnchanged(Errno.ENOMEM, () => _k.Shm.Shmat(_root, id, _anon, 0));
    }

    // ------------------------------------------------------------ shmdt

    [Fact]
    public void Shmdt_of_an_address_that_starts_no_attachment_is_EINVAL()
    {
        ulong id = RootSegment();
        var at = _k.Shm.Shmat(_root, id, 0, 0);
        Assert.True(at.Ok);
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Shm.Shmdt(_root, at.Value + P));
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Shm.Shmdt(_user, at.Value));
    }

    // ------------------------------------------------------------ shmctl

    [Fact]
    public void Shmctl_of_a_bad_id_is_EINVAL_for_every_command()
    {
        foreach (var cmd in Enum.GetValues<ShmCommand>())
        {
            AssertFailsUnchanged(Errno.EINVAL, () => _k.Shm.Shmctl(_root, 777, cmd));
        }
    }

    [Fact]
    public void Shmctl_of_a_removed_but_attached_segment_is_EINVAL()
    {
        ulong id = RootSegment();
        Assert.True(_k.Shm.Shmat(_root, id, 0, 0).Ok);
        Assert.True(_k.Shm.Shmctl(_root, id, ShmCommand.IpcRmid).Ok);
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Shm.Shmctl(_root, id, ShmCommand.IpcStat));
        AssertFailsUnchanged(Errno.EINVAL, () => _k.Shm.Shmctl(_root, id, ShmCommand.ShmLock));
    }

    [Fact]
    public void Shmctl_stat_without_read_permission_is_EACCES()
    {
        ulong id = RootSegment(mode: 0x180);
        AssertFailsUnchanged(Errno.EACCES, () => _k.Shm.Shmctl(_user, id, ShmCommand.IpcStat));
    }

    [Fact]
    public void Shmctl_set_by_a_non_owner_is_EPERM()
    {
        ulong id = RootSegment(mode: 0x1b6);
        AssertFailsUnchanged(Errno.EPERM, () => _k.Shm.Shmctl(_user, id, ShmCommand.IpcSet, uid: 1000, mode: 0x1ff));
    }

    [Fact]
    public void Shmctl_rmid_by_a_non_owner_is_EPERM()
    {
        ulong id = RootSegment(mode: 0x1b6);
        AssertFailsUnchanged(Errno.EPERM, () => _k.Shm.Shmctl(_user, id, ShmCommand.IpcRmid));
    }

    [Theory]
    [InlineData(ShmCommand.ShmLock)]
    [InlineData(ShmCommand.ShmUnlock)]
    public void Shmctl_lock_and_unlock_by_a_non_root_owner_are_EPERM(ShmCommand cmd)
    {
        var r = _k.Shm.Shmget(_user, null, P, Rw | ShmTable.IpcCreat);
        Assert.True(r.Ok);
        Assert.True(_k.Shm.Shmat(_user, r.Value, 0, 0).Ok);
        AssertFailsUnchanged(Errno.EPERM, () => _k.Shm.Shmctl(_user, r.Value, cmd));
    }
}
