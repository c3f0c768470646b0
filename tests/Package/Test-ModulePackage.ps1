<#
.SYNOPSIS
    Publishes the built module to a local folder repository as a .nupkg, installs it from there with
    Install-PSResource and imports it by name. Run by build.ps1 -Task Package with a throwaway HOME.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleFolder,
    [Parameter(Mandatory)] [string] $RepositoryFolder,
    [Parameter(Mandatory)] [string] $Version
)
$ErrorActionPreference = 'Stop'
$name = Split-Path -Leaf $ModuleFolder

Register-PSResourceRepository -Name CISynapseLocal -Uri $RepositoryFolder -Trusted
Publish-PSResource -Path $ModuleFolder -Repository CISynapseLocal
Install-PSResource -Name $name -Version $Version -Repository CISynapseLocal -Scope CurrentUser -TrustRepository

Import-Module $name
$module = Get-Module $name
if ($module.Version -ne [version]$Version) { throw "Installed version $($module.Version) is not $Version." }
if ($module.ModuleBase -like "$ModuleFolder*") { throw "Imported the build output instead of the installed copy." }
if (-not (Get-Command Connect-CISynapseAccount -Module $name -ErrorAction Ignore)) { throw 'The installed module exports no commands.' }
$null = Get-CISynapseContext
Write-Host "Installed and imported $name $($module.Version) from $($module.ModuleBase)"
