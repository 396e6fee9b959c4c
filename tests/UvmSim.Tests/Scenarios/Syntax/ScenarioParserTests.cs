using UvmSim.Kernel;
using UvmSim.Map;
using UvmSim.Scenarios.Syntax;
using static UvmSim.Tests.Scenarios.Syntax.ParseHelpers;

namespace UvmSim.Tests.Scenarios.Syntax;

public class ScenarioParserTests
{
    public const string SpecExample = """
        # S9: the reported bug
        machine pages=4096                      # optional; keys in §12.2
        proc A                                  # a root process; "proc B uid=1000"
        A: seg = shmget private 4p create|0600
        A: p = shmat seg
        A: shmctl seg SHM_LOCK                  => 0
        A: munlock p 4p                         => netbsd-9: ENOMEM | 0
        A: shmctl seg SHM_UNLOCK                => netbsd-8: EIO | 0
        A: shmctl seg SHM_UNLOCK                => netbsd-8: panic "pg->wire_count != 0" | 0
        check wired == 0                        # the global wired counter
        A: check pw p..4p == 0                  # every page of [p, p+4p)
        check audit == netbsd-8: dirty | clean

        """;

    [Fact]
    public void Spec_example_parses_to_the_expected_statements()
    {
        var scenario = Ok(SpecExample);
        Assert.Equal("t.scn", scenario.FileName);
        Statement[] expected =
        [
            new MachineStatement(Pages: 4096),
            new ProcStatement("A"),
            new CallStatement("A", "seg", new ShmgetCall(null, Pg(4), new FlagSet(0x200 | 384, ["create"]))),
            new CallStatement("A", "p", new ShmatCall(Name("seg"), null, FlagSet.None)),
            new CallStatement("A", null, new ShmctlCall(Name("seg"), ShmctlCommand.SHM_LOCK), Expectation.Always(Outcome.Ok)),
            new CallStatement("A", null, new MunlockCall(Name("p"), Pg(4)),
                new Expectation([new Alternative<Outcome>(["netbsd-9"], Outcome.Error(Errno.ENOMEM))], Outcome.Ok)),
            new CallStatement("A", null, new ShmctlCall(Name("seg"), ShmctlCommand.SHM_UNLOCK),
                new Expectation([new Alternative<Outcome>(["netbsd-8"], Outcome.Error(Errno.EIO))], Outcome.Ok)),
            new CallStatement("A", null, new ShmctlCall(Name("seg"), ShmctlCommand.SHM_UNLOCK),
                new Expectation([new Alternative<Outcome>(["netbsd-8"], Outcome.Panic("pg->wire_count != 0"))], Outcome.Ok)),
            new CheckStatement(null, new WiredCheck(Comparison.Equal, Is(0))),
            new CheckStatement("A", new PwCheck(Name("p"), Pg(4), Comparison.Equal, Is(0))),
            new CheckStatement(null, new AuditCheck(Comparison.Equal,
                new CheckExpectation([new Alternative<CheckValue>(["netbsd-8"], new WordValue(CheckWord.Dirty))], new WordValue(CheckWord.Clean)))),
        ];
        Assert.Equal(expected, scenario.Statements);
    }

    [Fact]
    public void Statements_carry_line_column_and_comment_free_text()
    {
        var scenario = Ok(SpecExample);
        var machine = scenario.Statements[0];
        Assert.Equal((2, 1, "machine pages=4096"), (machine.Line, machine.Column, machine.Text));
        var panic = scenario.Statements[7];
        Assert.Equal(9, panic.Line);
        Assert.Equal("A: shmctl seg SHM_UNLOCK                => netbsd-8: panic \"pg->wire_count != 0\" | 0", panic.Text);
        var indented = Ok("proc A\n\t  A: brk 1p  # grow\n").Statements[1];
        Assert.Equal((2, 4, "A: brk 1p"), (indented.Line, indented.Column, indented.Text));
    }

    [Fact]
    public void Empty_and_comment_only_files_have_no_statements()
    {
        Assert.Empty(Ok("").Statements);
        Assert.Empty(Ok("# nothing\n\n   \t\n").Statements);
    }

    [Fact]
    public void Machine_keys_are_typed()
    {
        var m = Assert.IsType<MachineStatement>(Ok("machine pages=4096 page=8192 wiredmax=100 diagnostics=off swap=64m freetarg=20 maxproc=8\n").Statements[0]);
        Assert.Equal(new MachineStatement(4096, 8192, 100, false, 64UL << 20, 20, 8), m);
        Assert.True(Assert.IsType<MachineStatement>(Ok("machine diagnostics=on\n").Statements[0]).Diagnostics);
    }

    [Theory]
    [InlineData("shm_use_phys", SysctlKey.ShmUsePhys)]
    [InlineData("shmmax", SysctlKey.ShmMax)]
    [InlineData("shmall", SysctlKey.ShmAll)]
    [InlineData("shmmin", SysctlKey.ShmMin)]
    [InlineData("shmseg", SysctlKey.ShmSeg)]
    [InlineData("shmmni", SysctlKey.ShmMni)]
    public void Sysctl_keys(string key, SysctlKey expected)
    {
        var s = Assert.IsType<SysctlStatement>(Ok($"sysctl {key} 4p\n").Statements[0]);
        Assert.Equal(new SysctlStatement(expected, Pg(4)), s);
    }

    [Fact]
    public void Proc_with_uid_and_gid()
    {
        var s = Ok("proc A\nproc B uid=1000\nproc C uid=5 gid=7\nproc D gid=3\n").Statements;
        Assert.Equal(new ProcStatement("A"), s[0]);
        Assert.Equal(new ProcStatement("B", 1000), s[1]);
        Assert.Equal(new ProcStatement("C", 5, 7), s[2]);
        Assert.Equal(new ProcStatement("D", null, 3), s[3]);
    }

    [Fact]
    public void Top_level_file_is_a_call_without_a_process()
    {
        var s = Ok("file f 8p\nfile g 100 ro\nproc A\nA: h = file h 1p\n").Statements;
        Assert.Equal(new CallStatement(null, null, new FileCall("f", Pg(8), false)), s[0]);
        Assert.Equal(new CallStatement(null, null, new FileCall("g", N(100), true)), s[1]);
        Assert.Equal(new CallStatement("A", "h", new FileCall("h", Pg(1), false)), s[3]);
    }

    public static TheoryData<string, Call> Calls => new()
    {
        { "A: mmap 4p rw private|anon", new MmapCall(Pg(4), Protection.ReadWrite, new FlagSet(0x1002, ["private", "anon"])) },
        { "A: mmap 1p none MAP_SHARED|MAP_ANON|wired at a+1p", new MmapCall(Pg(1), Protection.None, new FlagSet(0x1801, ["MAP_SHARED", "MAP_ANON", "wired"]), new Expr([Term.Named("a"), Term.Pages(1)])) },
        { "A: mmap 2p rx shared file g", new MmapCall(Pg(2), Protection.Read | Protection.Execute, new FlagSet(1, ["shared"]), null, "g") },
        { "A: mmap 2p r private|fixed at a file f 1p", new MmapCall(Pg(2), Protection.Read, new FlagSet(0x12, ["private", "fixed"]), Name("a"), "f", Pg(1)) },
        { "A: mmap 1p wx 0x1002", new MmapCall(Pg(1), Protection.Write | Protection.Execute, new FlagSet(0x1002, [])) },
        { "A: munmap a 4p", new MunmapCall(Name("a"), Pg(4)) },
        { "A: mprotect a 1p rwx", new MprotectCall(Name("a"), Pg(1), Protection.All) },
        { "A: mprotect a 1p x", new MprotectCall(Name("a"), Pg(1), Protection.Execute) },
        { "A: mprotect a 1p w", new MprotectCall(Name("a"), Pg(1), Protection.Write) },
        { "A: minherit a 1p share", new MinheritCall(Name("a"), Pg(1), Inheritance.Share) },
        { "A: minherit a 1p copy", new MinheritCall(Name("a"), Pg(1), Inheritance.Copy) },
        { "A: minherit a 1p none", new MinheritCall(Name("a"), Pg(1), Inheritance.None) },
        { "A: minherit a 1p zero", new MinheritCall(Name("a"), Pg(1), Inheritance.Zero) },
        { "A: mlock a+100 10", new MlockCall(new Expr([Term.Named("a"), Term.Number(100)]), N(10)) },
        { "A: munlock a 4p", new MunlockCall(Name("a"), Pg(4)) },
        { "A: mlockall current|future", new MlockallCall(new FlagSet(3, ["current", "future"])) },
        { "A: mlockall MCL_FUTURE", new MlockallCall(new FlagSet(2, ["MCL_FUTURE"])) },
        { "A: mlockall 4", new MlockallCall(new FlagSet(4, [])) },
        { "A: munlockall", new MunlockallCall() },
        { "A: brk 0", new BrkCall(N(0)) },
        { "A: touch a", new TouchCall(Name("a"), N(1), Access.Read) },
        { "A: touch a write", new TouchCall(Name("a"), N(1), Access.Write) },
        { "A: touch a 4p", new TouchCall(Name("a"), Pg(4), Access.Read) },
        { "A: touch a 4p write", new TouchCall(Name("a"), Pg(4), Access.Write) },
        { "A: fork C", new ForkCall("C") },
        { "A: exec", new ExecCall() },
        { "A: exit", new ExitCall() },
        { "A: setrlimit memlock 1p 2p", new SetrlimitCall(Pg(1), Pg(2)) },
        { "A: shmget 1234 4p create|excl|0600", new ShmgetCall(N(1234), Pg(4), new FlagSet(0x600 | 384, ["create", "excl"])) },
        { "A: shmget private 4p 01600", new ShmgetCall(null, Pg(4), new FlagSet(0x380, [])) },
        { "A: shmget 7 4p IPC_CREAT", new ShmgetCall(N(7), Pg(4), new FlagSet(0x200, ["IPC_CREAT"])) },
        { "A: shmat seg", new ShmatCall(Name("seg"), null, FlagSet.None) },
        { "A: shmat seg 0", new ShmatCall(Name("seg"), N(0), FlagSet.None) },
        { "A: shmat seg a", new ShmatCall(Name("seg"), Name("a"), FlagSet.None) },
        { "A: shmat seg rdonly", new ShmatCall(Name("seg"), null, new FlagSet(0x1000, ["rdonly"])) },
        { "A: shmat seg a+5 rnd|SHM_RDONLY", new ShmatCall(Name("seg"), new Expr([Term.Named("a"), Term.Number(5)]), new FlagSet(0x3000, ["rnd", "SHM_RDONLY"])) },
        { "A: shmat seg 1|2", new ShmatCall(Name("seg"), null, new FlagSet(3, [])) },
        { "A: shmat seg 0 010000", new ShmatCall(Name("seg"), N(0), new FlagSet(0x1000, [])) },
        { "A: shmdt a", new ShmdtCall(Name("a")) },
        { "A: shmctl seg IPC_STAT", new ShmctlCall(Name("seg"), ShmctlCommand.IPC_STAT) },
        { "A: shmctl seg IPC_RMID", new ShmctlCall(Name("seg"), ShmctlCommand.IPC_RMID) },
        { "A: shmctl seg SHM_LOCK", new ShmctlCall(Name("seg"), ShmctlCommand.SHM_LOCK) },
        { "A: shmctl seg SHM_UNLOCK", new ShmctlCall(Name("seg"), ShmctlCommand.SHM_UNLOCK) },
        { "A: shmctl seg IPC_SET", new ShmctlCall(Name("seg"), ShmctlCommand.IPC_SET) },
        { "A: shmctl seg IPC_SET uid=1000 gid=5 mode=0640", new ShmctlCall(Name("seg"), ShmctlCommand.IPC_SET, N(1000), N(5), N(416)) },
        { "A: shmctl seg IPC_SET mode=0600", new ShmctlCall(Name("seg"), ShmctlCommand.IPC_SET, null, null, N(384)) },
        { "A: vslock a 1p", new VslockCall(Name("a"), Pg(1), Access.Write) },
        { "A: vslock a 1p read", new VslockCall(Name("a"), Pg(1), Access.Read) },
        { "A: vsunlock seg", new VsunlockCall(Name("seg")) },
        { "A: pagedaemon", new PagedaemonCall(null) },
        { "A: pagedaemon 16", new PagedaemonCall(N(16)) },
        { "A: file h 3p ro", new FileCall("h", Pg(3), true) },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public void Every_call_form_parses_to_its_typed_call(string line, Call expected)
    {
        var statement = Assert.IsType<CallStatement>(Last(line));
        Assert.Equal("A", statement.Proc);
        Assert.Null(statement.Expect);
        Assert.Equal(expected, statement.Call);
    }

    [Fact]
    public void A_binding_names_the_result_for_later_lines()
    {
        var statement = Assert.IsType<CallStatement>(Last("A: h = vslock a 1p"));
        Assert.Equal("h", statement.BindName);
        Assert.IsType<VsunlockCall>(Ok(Header + "A: h = vslock a 1p\nA: vsunlock h\n").Statements[^1] is CallStatement c ? c.Call : null);
    }

    [Fact]
    public void Fork_declares_the_child_process()
    {
        var s = Ok(Header + "A: fork C\nC: mlock a 1p\nC: check entries == 1\n").Statements;
        Assert.Equal("C", Assert.IsType<CallStatement>(s[^2]).Proc);
    }

    public static TheoryData<string, Check> Checks => new()
    {
        { "check wired == 0", new WiredCheck(Comparison.Equal, Is(0)) },
        { "check wired == -3", new WiredCheck(Comparison.Equal, Is(-3)) },
        { "check free >= 100", new FreeCheck(Comparison.GreaterOrEqual, Is(100)) },
        { "A: check pw a == 1", new PwCheck(Name("a"), null, Comparison.Equal, Is(1)) },
        { "A: check pw a+2p..2p != 2", new PwCheck(new Expr([Term.Named("a"), Term.Pages(2)]), Pg(2), Comparison.NotEqual, Is(2)) },
        { "A: check ec a < 2", new EcCheck(Name("a"), Comparison.Less, Is(2)) },
        { "A: check mlocked a == yes", new MlockedCheck(Name("a"), Comparison.Equal, CheckExpectation.Always(new WordValue(CheckWord.Yes))) },
        { "A: check resident a..4p != no", new ResidentCheck(Name("a"), Pg(4), Comparison.NotEqual, CheckExpectation.Always(new WordValue(CheckWord.No))) },
        { "A: check resident a == yes", new ResidentCheck(Name("a"), null, Comparison.Equal, CheckExpectation.Always(new WordValue(CheckWord.Yes))) },
        { "A: check entries <= 3", new EntriesCheck(Comparison.LessOrEqual, Is(3)) },
        { "A: check locked > 0", new LockedCheck(Comparison.Greater, Is(0)) },
        { "A: check wirefuture == no", new WireFutureCheck(Comparison.Equal, CheckExpectation.Always(new WordValue(CheckWord.No))) },
        { "check segment seg locked == yes", new SegmentCheck(Name("seg"), SegmentProperty.Locked, Comparison.Equal, CheckExpectation.Always(new WordValue(CheckWord.Yes))) },
        { "check segment seg exists != no", new SegmentCheck(Name("seg"), SegmentProperty.Exists, Comparison.NotEqual, CheckExpectation.Always(new WordValue(CheckWord.No))) },
        { "check segment seg nattch == 2", new SegmentCheck(Name("seg"), SegmentProperty.Nattch, Comparison.Equal, Is(2)) },
        { "check audit == clean", new AuditCheck(Comparison.Equal, CheckExpectation.Always(new WordValue(CheckWord.Clean))) },
        { "check audit != dirty", new AuditCheck(Comparison.NotEqual, CheckExpectation.Always(new WordValue(CheckWord.Dirty))) },
        { "check audit finds \"underwired\"", new AuditFindsCheck("underwired") },
        { "check wired == unbound", new WiredCheck(Comparison.Equal, CheckExpectation.Always(CheckValue.Unbound)) },
        { "A: check pw a == netbsd-8,thorpej-2019: 2 | dual: unbound | 1",
            new PwCheck(Name("a"), null, Comparison.Equal, new CheckExpectation(
                [new(["netbsd-8", "thorpej-2019"], new NumberValue(N(2))), new(["dual"], CheckValue.Unbound)], new NumberValue(N(1)))) },
        { "check wired == netbsd-8: -1", new WiredCheck(Comparison.Equal, new CheckExpectation(
                [new(["netbsd-8"], new NumberValue(new Expr([Term.Number(1, negative: true)])))], null)) },
    };

    [Theory]
    [MemberData(nameof(Checks))]
    public void Every_check_form_parses_to_its_typed_check(string line, Check expected)
    {
        var statement = Assert.IsType<CheckStatement>(Last(line));
        Assert.Equal(expected.PerProcess ? "A" : null, statement.Proc);
        Assert.Equal(expected, statement.Check);
    }

    [Fact]
    public void Page_unit_is_kept_as_pages_and_evaluated_with_the_machine_page_size()
    {
        var scenario = Ok("machine page=8192\nproc A\nA: a = mmap 4p rw private|anon\nA: mlock a+1p 16\n");
        var mlock = Assert.IsType<MlockCall>(Assert.IsType<CallStatement>(scenario.Statements[^1]).Call);
        Assert.Equal(0x10000UL + 8192 + 16, mlock.Address.Evaluate(_ => 0x10000, 8192) + mlock.Length.Evaluate(_ => 0, 8192));
        Assert.Equal(["a"], mlock.Address.Names);
    }
}
