<#-- THIRD-PARTY.txt of the archive: one line per jar of lib/, with its licence(s) as its POM states them. -->
Third-party components in lib/, with their licences as their own POMs state them.
Each jar carries its licence and NOTICE files under META-INF/ (the jars are shipped unmodified).

<#list dependencyMap as e>
<#assign project = e.getKey()/>
<#assign licenses = e.getValue()/>
<#if project.groupId != "io.polyhook">
${project.groupId}:${project.artifactId}:${project.version}  <#if licenses?size == 0>(no licence in its POM)<#else><#list licenses as l>[${l}]<#sep> </#sep></#list></#if>
</#if>
</#list>
