# The built module as a whole: its manifest, its isolated dependency loading, its packaging surface.
BeforeDiscovery {
    $script:ClashOrders = @(
        @{ Order = 'old Azure.Core first, then the module' ; AzureCoreFirst = $true }
        @{ Order = 'the module first, then old Azure.Core' ; AzureCoreFirst = $false }
    )
}

BeforeAll {
    $script:ModulePath = $env:CISYNAPSE_TEST_MODULE
    $script:Manifest = Import-PowerShellDataFile $ModulePath
    $script:OldAzureCore = Join-Path $env:CISYNAPSE_TEST_TOOLS 'azure.core/1.38.0/lib/net6.0/Azure.Core.dll'
    Import-Module (Join-Path $PSScriptRoot 'ChildPwsh.psm1') -Force
    $script:Pwsh, $script:PwshArguments = Get-ChildPwshCommand
    $script:PwshArguments = @($PwshArguments)
}

Describe 'The module manifest' {
    It 'passes Test-ModuleManifest' {
        $info = Test-ModuleManifest -Path $ModulePath -ErrorAction Stop
        $info.Name | Should -Be 'CustomerInsightsSynapse'
        $info.Version | Should -Not -Be ([version]'0.0')
    }

    It 'exports exactly the cmdlets the assembly defines' {
        $module = Import-Module $ModulePath -Force -PassThru
        $defined = $module.ImplementingAssembly.GetTypes() |
            Where-Object { $_.IsPublic -and -not $_.IsAbstract -and $_.IsSubclassOf([System.Management.Automation.Cmdlet]) } |
            ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; "$($a.VerbName)-$($a.NounName)" }
        @($Manifest.CmdletsToExport | Sort-Object) | Should -Be @($defined | Sort-Object)
    }

    It 'names no third-party assembly in RequiredAssemblies and keeps dependencies out of the module root' {
        $Manifest.ContainsKey('RequiredAssemblies') | Should -BeFalse
        $root = Split-Path -Parent $ModulePath
        @(Get-ChildItem -File -Filter *.dll $root | ForEach-Object Name) | Should -Be @('CustomerInsightsSynapse.dll')
        Test-Path (Join-Path $root 'dependencies/CustomerInsightsSynapse.Core.dll') | Should -BeTrue
    }

    It 'references no assembly but the framework, PowerShell and Core from the cmdlet assembly' {
        # A reference to Azure.Core (even through a Core member's signature) would bind to the session's Azure.Core.
        $module = Import-Module $ModulePath -Force -PassThru
        $references = $module.ImplementingAssembly.GetReferencedAssemblies().Name |
            Where-Object { $_ -notmatch '^(System(\..+)?|netstandard|mscorlib|Microsoft\.Win32\..+|System\.Management\.Automation|CustomerInsightsSynapse\.Core)$' }
        $references | Should -BeNullOrEmpty
    }

    It 'exposes no Azure SDK type on the cmdlet assembly public surface' {
        $module = Import-Module $ModulePath -Force -PassThru
        $leaks = foreach ($type in $module.ImplementingAssembly.GetExportedTypes()) {
            foreach ($member in $type.GetMembers([Reflection.BindingFlags]'Public,Instance,Static,DeclaredOnly')) {
                $types = switch ($member.MemberType) {
                    'Property' { $member.PropertyType }
                    'Method' { @($member.ReturnType) + @($member.GetParameters().ParameterType) }
                    'Constructor' { $member.GetParameters().ParameterType }
                    'Field' { $member.FieldType }
                    default { @() }
                }
                foreach ($t in $types) { if ($t.Namespace -like 'Azure*' -or $t.Namespace -like 'Microsoft.Data.SqlClient*') { "$($type.Name).$($member.Name): $t" } }
            }
        }
        $leaks | Should -BeNullOrEmpty
    }
}

Describe 'Isolated dependency loading: <Order>' -ForEach $ClashOrders {
    It 'runs an export (Azure.Core, Blob storage, ScriptDom and SqlClient) while Azure.Core 1.38.0 is loaded in the session' {
        Test-Path $OldAzureCore | Should -BeTrue -Because 'build.ps1 restores Azure.Core 1.38.0 into .tools/packages'
        $load = "Add-Type -Path '$OldAzureCore'"
        $import = "Import-Module '$ModulePath'"
        $first, $second = if ($AzureCoreFirst) { $load, $import } else { $import, $load }
        $work = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        # A whole export in a fresh process: Resource Manager and Blob calls (Azure.Core), T-SQL validated with
        # ScriptDom and applied with SqlClient to the emulator's SQL endpoint.
        $script = @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
$first
$second
Import-Module '$(Join-Path $PSScriptRoot '../TestStack/TestStack.psm1')'
Import-Module '$(Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1')'
`$scenario = Get-Content -Raw '$(Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json')' | ConvertFrom-Json -AsHashtable
`$stack = Start-CISynapseTestStack -Scenario `$scenario
try {
    `$account = `$scenario.storageAccounts[0].name; `$container = `$scenario.storageAccounts[0].containers[0].name
    New-CISynapseTestBlobContainer -Stack `$stack -Account `$account -Container `$container
    Set-CISynapseStore -Location '$work/store'
    `$connect = `$stack.ConnectArguments
    `$context = Connect-CISynapseAccount @connect
    `$null = New-CISynapseConnection -Name c1 -SubscriptionId `$scenario.subscriptions[0].subscriptionId -ResourceGroupName `$scenario.synapseWorkspaces[0].resourceGroup -WorkspaceName `$scenario.synapseWorkspaces[0].name -StorageAccountName `$account -Container `$container
    `$source = New-CISynapseTestCdmFolder -Path '$work/ci' -Rows @{ Customer = 5 }
    `$null = New-CISynapseExport -Name e1 -Connection c1 -Source `$source.FullName -DatabaseName isolation_$(Get-Random -Maximum 100000) -Entity Customer -DeploymentMode Apply
    `$run = Invoke-CISynapseExport -Name e1 -Confirm:`$false -WarningAction SilentlyContinue
}
finally {
    Stop-CISynapseTestStack -Stack `$stack
}
`$loaded = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -in 'Azure.Core', 'Microsoft.Data.SqlClient', 'Microsoft.SqlServer.TransactSql.ScriptDom' } |
    ForEach-Object { '{0} {1}@{2}' -f `$_.GetName().Name, `$_.GetName().Version, [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name }
[pscustomobject]@{ Account = `$context.Account; Status = `$run.Status; SqlApplied = `$run.SqlApplied; Loaded = (`$loaded | Sort-Object) -join ';' } | ConvertTo-Json -Compress
"@
        $result = Invoke-ChildPwshJson -Command $script
        $result.Status | Should -Be 'Succeeded'
        $result.SqlApplied | Should -BeTrue
        $result.Loaded | Should -Match 'Azure\.Core 1\.38\.0\.0@Default'
        $result.Loaded | Should -Match 'Azure\.Core [\d.]+@CustomerInsightsSynapse'
        $result.Loaded | Should -Match 'Microsoft\.Data\.SqlClient [\d.]+@CustomerInsightsSynapse'
        $result.Loaded | Should -Match 'Microsoft\.SqlServer\.TransactSql\.ScriptDom [\d.]+@CustomerInsightsSynapse'
    }
}

Describe 'The package' {
    It 'publishes as a .nupkg that Install-PSResource installs from a folder repository and Import-Module loads' {
        $repository = Join-Path $TestDrive 'repository'
        $scratchHome = Join-Path $TestDrive 'home'
        $null = New-Item -ItemType Directory -Force -Path $repository, $scratchHome
        $script = Join-Path $PSScriptRoot '../Package/Test-ModulePackage.ps1'
        $version = (Import-PowerShellDataFile $ModulePath).ModuleVersion
        $saved = @{}
        # The folders must exist: .NET answers an empty path for a special folder that does not, and tools then write to the current folder.
    $null = New-Item -ItemType Directory -Force -Path (Join-Path $scratchHome '.config'), (Join-Path $scratchHome '.local/share'), (Join-Path $scratchHome '.cache')
    foreach ($name in 'HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'PSModulePath') {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $(switch ($name) { 'HOME' { $scratchHome } 'XDG_DATA_HOME' { Join-Path $scratchHome '.local/share' } 'XDG_CONFIG_HOME' { Join-Path $scratchHome '.config' } 'XDG_CACHE_HOME' { Join-Path $scratchHome '.cache' } default { $null } }))
        }
        try {
            $output = & $Pwsh @PwshArguments -NoProfile -NonInteractive -File $script -ModuleFolder (Split-Path -Parent $ModulePath) -RepositoryFolder $repository -Version $version 2>&1
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
        $LASTEXITCODE | Should -Be 0 -Because ($output | Out-String)
        Get-ChildItem $repository -Filter "CustomerInsightsSynapse.$version.nupkg" | Should -Not -BeNullOrEmpty
        Test-Path (Join-Path $scratchHome ".local/share/powershell/Modules/CustomerInsightsSynapse/$version/dependencies/CustomerInsightsSynapse.Core.dll") | Should -BeTrue
    }
}
