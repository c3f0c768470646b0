# Connections, roles and the definition store, used as a user would: no Azure needed (-SkipValidation).
# The emulator-backed validation scenarios only need: Connect-CISynapseAccount @connectArgs; New-CISynapseConnection ...

BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force

    function New-TestAccessToken {
        param([Parameter(Mandatory)] [string] $ObjectId, [string] $UserPrincipalName = "$ObjectId@contoso.test")
        $encode = {
            param($value)
            $json = $value | ConvertTo-Json -Compress
            [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($json)).TrimEnd('=').Replace('+', '-').Replace('/', '_')
        }
        $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
        $header = & $encode @{ alg = 'none'; typ = 'JWT' }
        $payload = & $encode ([ordered]@{
                aud = 'https://management.azure.com'; iss = 'https://sts.windows.net/72f988bf-0000-0000-0000-000000000000/'
                oid = $ObjectId; tid = '72f988bf-0000-0000-0000-000000000000'; upn = $UserPrincipalName
                iat = $now; nbf = $now; exp = $now + 3600; uti = [guid]::NewGuid().ToString('N')
            })
        "$header.$payload.dGVzdC1zaWduYXR1cmUtbm90LXZlcmlmaWVk"
    }

    $script:sub = '11111111-2222-3333-4444-555555555555'
    $script:adminId = '00000000-0000-0000-0000-0000000000a1'
    $script:contributorId = '00000000-0000-0000-0000-0000000000c1'
    $script:viewerId = '00000000-0000-0000-0000-0000000000b1'
    $script:strangerId = '00000000-0000-0000-0000-0000000000d1'
    $script:tokens = @{}
    foreach ($id in $adminId, $contributorId, $viewerId, $strangerId) { $tokens[$id] = New-TestAccessToken -ObjectId $id }

    function Connect-As([string] $ObjectId) {
        $null = Connect-CISynapseAccount -AccessToken $tokens[$ObjectId]
    }

    $script:storage = [pscustomobject]@{
        StorageAccountName = 'cistorage'; ResourceGroupName = 'rg-data'; Location = 'westeurope'
        Id = "/subscriptions/$sub/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/cistorage"
    }
    $script:byNames = @{
        SubscriptionId = $sub; WorkspaceName = 'ciws'; ResourceGroupName = 'rg-ci'
        StorageAccountName = 'cistorage'; Container = 'exports'; SkipValidation = $true
    }
}

AfterAll {
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'Connections in a local store' {
    BeforeEach {
        $script:storePath = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        Set-CISynapseStore -Location $storePath
        Connect-As $adminId
    }

    It 'New-CISynapseConnection -SkipValidation stores the connection with every property' {
        $c = New-CISynapseConnection -Name 'Sales' -DisplayName 'Sales lake' -UsableBy AdministratorsAndContributors @byNames

        $c.Name | Should -Be 'Sales'
        $c.DisplayName | Should -Be 'Sales lake'
        $c.UsableBy | Should -Be 'AdministratorsAndContributors'
        $c.SubscriptionId | Should -Be $sub
        $c.WorkspaceResourceId | Should -Be "/subscriptions/$sub/resourceGroups/rg-ci/providers/Microsoft.Synapse/workspaces/ciws"
        $c.StorageAccountResourceId | Should -Be "/subscriptions/$sub/resourceGroups/rg-ci/providers/Microsoft.Storage/storageAccounts/cistorage"
        $c.Container | Should -Be 'exports'
        $c.CreatedBy | Should -Be $adminId
        $c.Validated | Should -BeFalse
        $c.Revision | Should -Be 1
        (Get-CISynapseStore).Location | Should -Be $storePath
        Test-Path (Join-Path $storePath 'connections/sales.json') | Should -BeTrue
        (Get-CISynapseConnection -Name 'SALES').DisplayName | Should -Be 'Sales lake'
    }

    It 'defaults the display name to the name and UsableBy to Administrators' {
        $c = New-CISynapseConnection -Name 'Plain' @byNames
        $c.DisplayName | Should -Be 'Plain'
        $c.UsableBy | Should -Be 'Administrators'
    }

    It 'refuses a second connection whose name differs only in case' {
        $null = New-CISynapseConnection -Name 'Sales' @byNames
        { New-CISynapseConnection -Name 'SALES' @byNames -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionExists,*'
    }

    It 'refuses a name that cannot be a path segment and stores nothing' {
        { New-CISynapseConnection -Name 'a/b' @byNames -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidBlobPath,*'
        Test-Path (Join-Path $storePath 'connections') | Should -BeFalse
    }

    It 'New -WhatIf stores nothing' {
        New-CISynapseConnection -Name 'Sales' @byNames -WhatIf
        Test-Path (Join-Path $storePath 'connections') | Should -BeFalse
    }

    It 'Get supports wildcards, several names, and reports a missing exact name' {
        foreach ($n in 'Sales', 'Sales-EU', 'Marketing') { $null = New-CISynapseConnection -Name $n @byNames }

        (Get-CISynapseConnection).Name | Should -Be @('Marketing', 'Sales', 'Sales-EU')
        (Get-CISynapseConnection -Name 'sales*').Name | Should -Be @('Sales', 'Sales-EU')
        (Get-CISynapseConnection -Name 'Marketing', '*EU').Name | Should -Be @('Marketing', 'Sales-EU')
        Get-CISynapseConnection -Name 'nothing*' | Should -BeNullOrEmpty
        $result = Get-CISynapseConnection -Name 'Nope' -ErrorVariable failures -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ConnectionNotFound,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'Get reports a corrupt document with its path and still lists the others' {
        $null = New-CISynapseConnection -Name 'Good' @byNames
        $null = New-CISynapseConnection -Name 'Bad' @byNames
        $bad = Join-Path $storePath 'connections/bad.json'
        Set-Content -LiteralPath $bad -Value '{ broken'

        $result = Get-CISynapseConnection -ErrorVariable failures -ErrorAction SilentlyContinue

        $result.Name | Should -Be 'Good'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'StoreDocumentCorrupt,*'
        $failures[0].Exception.Message | Should -BeLike "*$bad*"
        Get-Content -Raw -LiteralPath $bad | Should -Be "{ broken$([Environment]::NewLine)"
    }

    It 'connection names tab-complete' {
        foreach ($n in 'Sales', 'Sales EU', 'Marketing') { $null = New-CISynapseConnection -Name $n @byNames }
        $line = 'Get-CISynapseConnection -Name Sa'
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Be @('Sales', "'Sales EU'")
    }

    It 'Set changes values, keeps creation data, and refuses a stale object from the pipeline' {
        $created = New-CISynapseConnection -Name 'Sales' @byNames
        $stale = Get-CISynapseConnection -Name 'Sales'

        $updated = Set-CISynapseConnection -Name 'Sales' -DisplayName 'Renamed' -UsableBy AdministratorsAndContributors -SkipValidation -PassThru

        $updated.DisplayName | Should -Be 'Renamed'
        $updated.UsableBy | Should -Be 'AdministratorsAndContributors'
        $updated.Revision | Should -Be 2
        $updated.CreatedOn | Should -Be $created.CreatedOn
        { $stale | Set-CISynapseConnection -DisplayName 'Lost update' -SkipValidation -ErrorAction Stop } | Should -Throw -ErrorId 'StoreConflict,*'
        (Get-CISynapseConnection -Name 'Sales').DisplayName | Should -Be 'Renamed'
        Get-CISynapseConnection -Name 'Sales' | Set-CISynapseConnection -Container 'other' -SkipValidation
        (Get-CISynapseConnection -Name 'Sales').Container | Should -Be 'other'
    }

    It 'Remove -WhatIf changes nothing; Remove removes' {
        $null = New-CISynapseConnection -Name 'Sales' @byNames
        $file = Join-Path $storePath 'connections/sales.json'
        $before = Get-FileHash -LiteralPath $file

        Remove-CISynapseConnection -Name 'Sales' -WhatIf

        (Get-FileHash -LiteralPath $file).Hash | Should -Be $before.Hash
        Get-CISynapseConnection -Name 'Sales' | Remove-CISynapseConnection -Confirm:$false
        Test-Path $file | Should -BeFalse
        Get-CISynapseConnection | Should -BeNullOrEmpty
    }

    It 'Remove refuses while an export document uses the connection, unless -Force' {
        $null = New-CISynapseConnection -Name 'Sales' @byNames
        $exports = New-Item -ItemType Directory -Path (Join-Path $storePath 'exports')
        @{ schemaVersion = 1; kind = 'exports'; name = 'Weekly'; revision = 1; modifiedOn = [DateTimeOffset]::UtcNow.ToString('o')
            content = @{ connectionName = 'sales'; databaseName = 'ci' } } | ConvertTo-Json | Set-Content (Join-Path $exports 'weekly.json')

        { Remove-CISynapseConnection -Name 'Sales' -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'ConnectionInUse,*'
        Get-CISynapseConnection -Name 'Sales' | Should -Not -BeNullOrEmpty

        Remove-CISynapseConnection -Name 'Sales' -Force -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        Get-CISynapseConnection | Should -BeNullOrEmpty
        "$warnings" | Should -BeLike "*Weekly*"
    }

    It 'binds from an object shaped like Get-AzSynapseWorkspace output and a Get-AzStorageAccount object' {
        $workspace = [pscustomobject]@{
            Name = 'ciws'; ResourceGroupName = 'rg-ci'; Location = 'westeurope'; Type = 'Microsoft.Synapse/workspaces'
            Id = "/subscriptions/$sub/resourceGroups/rg-ci/providers/Microsoft.Synapse/workspaces/ciws"
        }

        $named = $workspace | New-CISynapseConnection -Name 'Sales' -StorageAccount $storage -Container 'exports' -SkipValidation
        $defaulted = $workspace | New-CISynapseConnection -StorageAccount $storage -Container 'exports' -SkipValidation

        $named.Name | Should -Be 'Sales'
        $named.SubscriptionId | Should -Be $sub
        $named.WorkspaceName | Should -Be 'ciws'
        $named.WorkspaceResourceGroupName | Should -Be 'rg-ci'
        $named.StorageAccountResourceId | Should -Be $storage.Id
        $named.StorageAccountResourceGroupName | Should -Be 'rg-data'
        $defaulted.Name | Should -Be 'ciws'
    }

    It 'copies a connection from our own object into another store' {
        $original = New-CISynapseConnection -Name 'Sales' -UsableBy AdministratorsAndContributors -StorageAccountResourceId $storage.Id @byNames
        Set-CISynapseStore -Location (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))

        $copy = $original | New-CISynapseConnection -SkipValidation

        $copy.Name | Should -Be 'Sales'
        $copy.UsableBy | Should -Be 'AdministratorsAndContributors'
        $copy.StorageAccountResourceId | Should -Be $storage.Id
        $copy.WorkspaceResourceId | Should -Be $original.WorkspaceResourceId
        $copy.StoreLocation | Should -Not -Be $original.StoreLocation
    }

    It 'refuses a storage resource id given as the workspace' {
        { $storage | New-CISynapseConnection -Name 'Wrong' -Container 'exports' -SkipValidation -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidResourceId,*'
    }

    It 'keeps no token text in any store file' {
        $null = New-CISynapseConnection -Name 'Sales' @byNames
        $null = Grant-CISynapseRole -PrincipalId $viewerId -Role Viewer
        Set-CISynapseConnection -Name 'Sales' -DisplayName 'x' -SkipValidation

        $files = Get-ChildItem -Recurse -File -Force $storePath
        $files.Count | Should -BeGreaterThan 2
        $token = $tokens[$adminId]
        foreach ($file in $files) {
            $text = Get-Content -Raw -LiteralPath $file.FullName
            if ($text) {
                $text.Contains($token) | Should -BeFalse -Because $file.FullName
                foreach ($part in $token.Split('.')) { $text.Contains($part) | Should -BeFalse -Because "$($file.FullName) must not hold part of the token" }
            }
        }
    }

    It 'writes files readable only by the owner' -Skip:$IsWindows {
        $null = New-CISynapseConnection -Name 'Sales' @byNames
        (Get-Item (Join-Path $storePath 'connections/sales.json')).UnixMode | Should -Be '-rw-------'
        (Get-Item (Join-Path $storePath 'connections')).UnixMode | Should -Be 'drwx------'
        (Get-Item $storePath).UnixMode | Should -Be 'drwx------'
    }
}

Describe 'Customer Insights roles' {
    BeforeEach {
        Set-CISynapseStore -Location (Join-Path $TestDrive ([guid]::NewGuid().ToString('N')))
        Connect-As $adminId
        $null = New-CISynapseConnection -Name 'Shared' -UsableBy AdministratorsAndContributors @byNames
        $null = Grant-CISynapseRole -PrincipalId $contributorId -Role Contributor -DisplayName 'Contributor One'
        $null = $viewerId | Grant-CISynapseRole -Role Viewer
    }

    It 'makes whoever creates the store its first Administrator and lists the roles' {
        $roles = Get-CISynapseRole
        $roles.Count | Should -Be 3
        ($roles | Where-Object PrincipalId -EQ $adminId).Role | Should -Be 'Administrator'
        ($roles | Where-Object PrincipalId -EQ $contributorId).DisplayName | Should -Be 'Contributor One'
        (Get-CISynapseRole -Role Viewer).PrincipalId | Should -Be $viewerId
        (Get-CISynapseRole -PrincipalId $contributorId).AssignedBy | Should -Be $adminId
    }

    It 'lets a Contributor read but not create, change or remove connections, nor grant roles' {
        Connect-As $contributorId

        (Get-CISynapseConnection).Name | Should -Be 'Shared'
        $failures = @()
        New-CISynapseConnection -Name 'Mine' @byNames -ErrorVariable +failures -ErrorAction SilentlyContinue
        Set-CISynapseConnection -Name 'Shared' -DisplayName 'x' -SkipValidation -ErrorVariable +failures -ErrorAction SilentlyContinue
        Remove-CISynapseConnection -Name 'Shared' -Force -Confirm:$false -ErrorVariable +failures -ErrorAction SilentlyContinue
        Grant-CISynapseRole -PrincipalId $strangerId -Role Administrator -ErrorVariable +failures -ErrorAction SilentlyContinue

        $failures.Count | Should -Be 4
        foreach ($failure in $failures) {
            $failure.FullyQualifiedErrorId | Should -BeLike 'RoleRequired,*'
            $failure.CategoryInfo.Category | Should -Be 'PermissionDenied'
        }
        Connect-As $adminId
        (Get-CISynapseConnection -Name 'Shared').DisplayName | Should -Be 'Shared'
        (Get-CISynapseRole -PrincipalId $strangerId) | Should -BeNullOrEmpty
    }

    It 'lists Administrators-only connections for Administrators, and for others only with -All or by exact name' {
        $null = New-CISynapseConnection -Name 'AdminsOnly' -UsableBy Administrators @byNames
        (Get-CISynapseConnection).Name | Should -Be @('AdminsOnly', 'Shared')

        foreach ($id in $contributorId, $viewerId) {
            Connect-As $id
            (Get-CISynapseConnection).Name | Should -Be 'Shared'
            (Get-CISynapseConnection -Name '*').Name | Should -Be 'Shared'
            (Get-CISynapseConnection -All).Name | Should -Be @('AdminsOnly', 'Shared')
            (Get-CISynapseConnection -Name 'AdminsOnly').Name | Should -Be 'AdminsOnly'
        }
    }

    It 'says in RoleRequired what was attempted and which Administrators can grant the role' {
        Connect-As $contributorId
        $failure = $null
        try { New-CISynapseConnection -Name 'Mine' @byNames -ErrorAction Stop } catch { $failure = $_ }
        $failure.FullyQualifiedErrorId | Should -BeLike 'RoleRequired,*'
        $failure.Exception.Message | Should -Match 'to create, change or remove connections'
        $failure.Exception.Message | Should -Match ([regex]::Escape("Only the store's Administrator"))
        $failure.Exception.Message | Should -Match ([regex]::Escape($adminId))
        $failure.ErrorDetails.RecommendedAction | Should -Match ([regex]::Escape("Grant-CISynapseRole -PrincipalId $contributorId -Role Administrator"))
    }

    It 'lets a Viewer read and refuses a principal with no role' {
        Connect-As $viewerId
        (Get-CISynapseConnection).Name | Should -Be 'Shared'

        Connect-As $strangerId
        { Get-CISynapseConnection -ErrorAction Stop } | Should -Throw -ErrorId 'RoleRequired,*'
    }

    It 'checks the read role for the run history as for every other Get- cmdlet' {
        Connect-As $viewerId
        Get-CISynapseExportRun -ErrorAction Stop | Should -BeNullOrEmpty

        Connect-As $strangerId
        { Get-CISynapseExportRun -ErrorAction Stop } | Should -Throw -ErrorId 'RoleRequired,*'
        { Get-CISynapseExport -ErrorAction Stop } | Should -Throw -ErrorId 'RoleRequired,*'
    }

    It 'revokes roles from the pipeline and never the last Administrator' {
        Get-CISynapseRole -Role Viewer | Revoke-CISynapseRole -Confirm:$false
        (Get-CISynapseRole).Count | Should -Be 2

        { Revoke-CISynapseRole -PrincipalId $adminId -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'LastAdministrator,*'
        { Grant-CISynapseRole -PrincipalId $adminId -Role Viewer -ErrorAction Stop } | Should -Throw -ErrorId 'LastAdministrator,*'
        { Revoke-CISynapseRole -PrincipalId 'not-a-guid' -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidArgument,*'
        Revoke-CISynapseRole -PrincipalId $contributorId -WhatIf
        (Get-CISynapseRole -PrincipalId $contributorId).Role | Should -Be 'Contributor'
    }
}

Describe 'Where the store lives' {
    It 'follows Set-CISynapseStore, then CISYNAPSE_STORE' {
        $previous = $env:CISYNAPSE_STORE
        try {
            $env:CISYNAPSE_STORE = Join-Path $TestDrive 'from-env'
            Set-CISynapseStore -Default
            $fromEnvironment = Get-CISynapseStore
            $fromEnvironment.Source | Should -Be 'Environment'
            $fromEnvironment.Location | Should -Be (Join-Path $TestDrive 'from-env')

            $set = Set-CISynapseStore -Location 'https://acct.blob.core.windows.net/definitions' -PassThru
            $set.Backend | Should -Be 'BlobContainer'
            $set.Source | Should -Be 'Session'
        }
        finally {
            $env:CISYNAPSE_STORE = $previous
            Set-CISynapseStore -Default
        }
    }

    It 'refuses a container URL with a SAS' {
        { Set-CISynapseStore -Location 'https://acct.blob.core.windows.net/defs?sv=1&sig=abc' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidStoreLocation,*'
    }
}
