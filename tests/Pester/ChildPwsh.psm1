#Requires -Version 7.4
# A child pwsh, the same PowerShell that runs the tests, for tests that need a fresh process: it must exit 0 and end
# its output with its result as one line of JSON; otherwise the test fails with the exit code, the run time and
# everything the child wrote.
#
#   $result = Invoke-ChildPwshJson -Command $script
#   $result = Invoke-ChildPwshJson -File $runbook -Module $path
#   $pwsh, $pwshArguments = Get-ChildPwshCommand
Set-StrictMode -Version Latest

function Get-ChildPwshCommand {
    <#
    .SYNOPSIS
    The PowerShell running the tests as a command for a child: its executable, then the arguments that must come first.
    #>
    # pwsh runs as 'dotnet pwsh.dll' when it comes from the repo's tool manifest.
    $pwsh = [Environment]::ProcessPath
    @($pwsh) + @(if ((Split-Path -Leaf $pwsh) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
}

function Invoke-ChildPwshJson {
    <#
    .SYNOPSIS
    Runs pwsh -NoProfile -NonInteractive with the arguments given (both streams captured) and returns its last line,
    parsed from JSON (an array stays an array).
    #>
    $childArguments = $args
    $pwsh, $pwshArguments = Get-ChildPwshCommand
    $pwshArguments = @($pwshArguments)
    $global:LASTEXITCODE = $null
    $elapsed = [Diagnostics.Stopwatch]::StartNew()
    $output = & $pwsh @pwshArguments -NoProfile -NonInteractive @childArguments 2>&1
    $account = "exit code $LASTEXITCODE after $($elapsed.ElapsedMilliseconds) ms; '$pwsh $pwshArguments' wrote:`n$($output | Out-String)"
    $LASTEXITCODE | Should -Be 0 -Because $account
    $last = "$($output | Select-Object -Last 1)"
    $last | Should -Match '^(\{.*\}|\[.*\])$' -Because "the child's last line is its result as JSON; $account"
    ConvertFrom-Json -InputObject $last -NoEnumerate
}

Export-ModuleMember -Function Get-ChildPwshCommand, Invoke-ChildPwshJson
